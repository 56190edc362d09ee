using ActorSessions.Durability;
using ActorSessions.Storage;
namespace ActorSessions.Storage.Tests.TestSupport;

public static class Rows
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static SessionRecord Row(string id, long version = 1, string value = "v", DateTimeOffset? expires = null) =>
        new(
            id,
            SessionDataCodec.Encode(SessionData.Empty.SetItem("k", [.. System.Text.Encoding.UTF8.GetBytes(value)])),
            Now - TimeSpan.FromMinutes(10),
            Now - TimeSpan.FromMinutes(1),
            version,
            expires ?? Now + TimeSpan.FromMinutes(29));

    public static string Id(int i) => $"id{i:D17}";

    public static string Value(SessionRecord record)
    {
        Assert.True(SessionDataCodec.TryDecode(record.Data, out var data, out var error), error);
        return System.Text.Encoding.UTF8.GetString(data!["k"].AsSpan());
    }
}
