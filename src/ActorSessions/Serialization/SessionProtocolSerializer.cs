using System.Collections.Frozen;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace ActorSessions;

/// <summary>
/// The serializer of the session protocol: every <see cref="ISessionMessage"/> crosses a process (a cluster
/// hop, a shard hand-off, <c>serialize-messages = on</c>) in a compact binary form that ActorSessions
/// defines, rather than as a general-purpose serializer would guess it. <c>reference.conf</c> binds it to
/// <see cref="ISessionMessage"/>, so an actor system whose configuration includes
/// <see cref="SessionSettings.DefaultConfig"/> (as <c>WithActorSessions</c> adds it) uses it.
/// </summary>
/// <remarks>
/// <para>Each message has a short manifest that names its type and the version of its format
/// (<c>open.1</c>, <c>saved.1</c>, ...); no type name ever goes on the wire. A change to a message's format
/// is a new manifest (<c>open.2</c>) read beside the old one until every node writes the new one, so nodes
/// of two versions can run side by side during a rolling upgrade. The table of manifests is in
/// <c>SessionProtocolSerializer.Formats.cs</c>: one line a message.</para>
/// <para>Values are written as varints (zigzag for signed numbers), clock ticks as fixed 64 bits, and
/// strings exactly as they are: UTF-8, or UTF-16 code units for a string that is not valid UTF-16 (a
/// presented id may be anything). Every string and session is nullable on the wire, so a malformed request
/// (a <see langword="null"/> id) arrives as sent and is refused by the container as it would be locally.
/// Session data is a count, then each key and its value.</para>
/// <para>Nested replies (<see cref="SessionBatchHandled.Replies"/>) are written by their own manifest when
/// they are protocol messages and by the actor system's serialization otherwise (a
/// <see cref="Status.Failure"/>, which Akka.Remote's own serializer carries when it is loaded).
/// <see cref="SessionBatch"/>'s <c>AnswerBy</c> is not sent: it is a <see cref="System.Diagnostics.Stopwatch"/>
/// timestamp of the sending process, meaningless on another machine's clock; a batch that crosses a
/// process arrives with no deadline (0).</para>
/// </remarks>
public sealed partial class SessionProtocolSerializer : SerializerWithStringManifest
{
    /// <summary>
    /// The serializer's identifier, fixed forever: it is written beside every message it serializes.
    /// In the user range (Akka.NET reserves 0 to 100).
    /// </summary>
    public const int SerializerId = 8650;

    // The protocol nests one level (a batch's requests, a batch's replies) and a nested batch two; past
    // this, bytes are malformed (or hostile) and would otherwise recurse until the stack overflows.
    private const int MaxNesting = 8;

    private const byte NestedNull = 0;
    private const byte NestedOwn = 1;
    private const byte NestedForeign = 2;

    // Built from the table in SessionProtocolSerializer.Formats.cs, before the lookups that index it.
    private static readonly Format[] Formats = CreateFormats();
    private static readonly FrozenDictionary<Type, Format> ByType = Formats.ToFrozenDictionary(static f => f.Type);
    private static readonly FrozenDictionary<string, Format> ByManifest = Formats.ToFrozenDictionary(static f => f.Manifest, StringComparer.Ordinal);

    /// <summary>Creates the serializer; Akka does, from <c>akka.actor.serializers</c>.</summary>
    public SessionProtocolSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <summary>The manifests, by message type: what a spec checks every message against.</summary>
    internal static IReadOnlyDictionary<Type, string> Manifests { get; } = ByType.ToFrozenDictionary(static p => p.Key, static p => p.Value.Manifest);

    /// <inheritdoc />
    /// <exception cref="SerializationException"><paramref name="o"/> is not a message of the protocol.</exception>
    public override string Manifest(object o) => FormatOf(o).Manifest;

    /// <inheritdoc />
    /// <exception cref="SerializationException"><paramref name="obj"/> is not a message of the protocol.</exception>
    public override byte[] ToBinary(object obj)
    {
        var writer = new WireWriter();
        FormatOf(obj).Write(this, writer, obj);
        return writer.ToArray();
    }

    /// <inheritdoc />
    /// <exception cref="SerializationException">The manifest is unknown, or the bytes are not a message of it.</exception>
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (manifest is null || !ByManifest.TryGetValue(manifest, out var format))
        {
            throw new SerializationException(
                $"Unknown manifest '{manifest}' for {nameof(SessionProtocolSerializer)} (serializer {SerializerId}): the message comes from a version of ActorSessions that this one cannot read.");
        }

        var reader = new WireReader(bytes, manifest);
        var message = format.Read(this, reader);
        reader.End();
        return message;
    }

    private static Format FormatOf(object? o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return ByType.TryGetValue(o.GetType(), out var format)
            ? format
            : throw new SerializationException(
                $"{o.GetType()} has no manifest in {nameof(SessionProtocolSerializer)}; every message of the session protocol needs one (SessionProtocolSerializer.Formats.cs).");
    }

    /// <summary>A message inside another (a batch's request, a reply in its slot), or <see langword="null"/>.</summary>
    private void WriteNested(WireWriter writer, object? message)
    {
        if (++writer.Depth > MaxNesting)
        {
            throw new SerializationException($"Messages nest deeper than {MaxNesting} levels (a batch that holds itself?); the session protocol never does.");
        }

        WriteNestedMessage(writer, message);
        writer.Depth--;
    }

    private void WriteNestedMessage(WireWriter writer, object? message)
    {
        if (message is null)
        {
            writer.Byte(NestedNull);
        }
        else if (ByType.TryGetValue(message.GetType(), out var format))
        {
            writer.Byte(NestedOwn);
            writer.String(format.Manifest);
            format.Write(this, writer, message);
        }
        else
        {
            var serialization = system.Serialization;
            var serializer = serialization.FindSerializerFor(message);
            writer.Byte(NestedForeign);
            writer.VarInt(serializer.Identifier);
            writer.String(Serialization.ManifestFor(serializer, message));
            writer.Bytes(serializer.ToBinary(message));
        }
    }

    private object? ReadNested(WireReader reader)
    {
        if (++reader.Depth > MaxNesting)
        {
            throw reader.Malformed($"messages nest deeper than {MaxNesting} levels");
        }

        var message = ReadNestedMessage(reader);
        reader.Depth--;
        return message;
    }

    private object? ReadNestedMessage(WireReader reader)
    {
        switch (reader.Byte())
        {
            case NestedNull:
                return null;
            case NestedOwn:
                var manifest = reader.String();
                return manifest is not null && ByManifest.TryGetValue(manifest, out var format)
                    ? format.Read(this, reader)
                    : throw new SerializationException($"A message with manifest '{reader.Manifest}' holds a message with the unknown manifest '{manifest}'.");
            case NestedForeign:
                var serializerId = reader.VarInt32();
                var foreignManifest = reader.String() ?? string.Empty;
                var bytes = reader.Bytes().ToArray();
                return system.Serialization.Deserialize(bytes, serializerId, foreignManifest);
            case var tag:
                throw reader.Malformed($"{tag} is not a nested message");
        }
    }

    /// <summary>One line of the table: a message type, its manifest, and how it is written and read.</summary>
    private sealed record Format(
        string Manifest,
        Type Type,
        Action<SessionProtocolSerializer, WireWriter, object> Write,
        Func<SessionProtocolSerializer, WireReader, object> Read);
}
