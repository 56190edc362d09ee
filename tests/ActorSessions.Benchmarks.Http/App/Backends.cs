namespace ActorSessions.Benchmarks.Http.App;

/// <summary>The backends' names on the command line and in the report.</summary>
internal static class Backends
{
    public static IReadOnlyList<Backend> All { get; } = Enum.GetValues<Backend>();

    /// <summary>The name on the command line (<c>serve --backend NAME</c>, <c>--backends a,b</c>).</summary>
    public static string Key(this Backend backend) => backend switch
    {
        Backend.None => "none",
        Backend.AspNetMemory => "aspnet-memory",
        Backend.AspNetRedis => "aspnet-redis",
        Backend.AspNetRedisFsync => "aspnet-redis-fsync",
        Backend.ActorSessionsMemory => "actorsessions-memory",
        Backend.ActorSessionsSqlite => "actorsessions-sqlite",
        Backend.ActorSessionsPostgreSql => "actorsessions-postgresql",
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, null),
    };

    /// <summary>The name in the report's tables.</summary>
    public static string Label(this Backend backend) => backend switch
    {
        Backend.None => "no session (floor)",
        Backend.AspNetMemory => "ASP.NET Core session, in memory",
        Backend.AspNetRedis => "ASP.NET Core session, Redis (no persistence)",
        Backend.AspNetRedisFsync => "ASP.NET Core session, Redis (appendfsync always)",
        Backend.ActorSessionsMemory => "ActorSessions, in memory",
        Backend.ActorSessionsSqlite => "ActorSessions, SQLite",
        Backend.ActorSessionsPostgreSql => "ActorSessions, PostgreSQL",
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, null),
    };

    public static bool HasSessions(this Backend backend) => backend != Backend.None;

    public static bool IsActorSessions(this Backend backend) =>
        backend is Backend.ActorSessionsMemory or Backend.ActorSessionsSqlite or Backend.ActorSessionsPostgreSql;

    public static Backend Parse(string key) =>
        All.Where(b => string.Equals(b.Key(), key, StringComparison.OrdinalIgnoreCase)).Select(b => (Backend?)b).FirstOrDefault()
            ?? throw new ArgumentException($"Unknown backend '{key}'; one of: {string.Join(", ", All.Select(x => x.Key()))}.", nameof(key));
}
