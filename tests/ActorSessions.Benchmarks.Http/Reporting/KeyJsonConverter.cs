using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorSessions.Benchmarks.Http.Reporting;

/// <summary>Backends and workloads in the JSON under their command-line names (<c>actorsessions-sqlite</c>, <c>two-tabs</c>).</summary>
internal sealed class KeyJsonConverter<T>(Func<T, string> key, Func<string, T> parse) : JsonConverter<T>
    where T : struct, Enum
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        parse(reader.GetString() ?? throw new JsonException($"A {typeof(T).Name} name was expected."));

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(key(value));
}
