namespace ActorSessions.Benchmarks.Http.App;

/// <summary>The session backends the app can run with, one per server process.</summary>
internal enum Backend
{
    /// <summary>No session middleware at all: what the app and the HTTP stack cost without sessions (the floor).</summary>
    None,

    /// <summary>ASP.NET Core's session (<c>AddSession</c>) over <c>MemoryDistributedCache</c>.</summary>
    AspNetMemory,

    /// <summary>ASP.NET Core's session over Redis without persistence.</summary>
    AspNetRedis,

    /// <summary>ASP.NET Core's session over Redis with <c>appendonly yes</c> and <c>appendfsync always</c>.</summary>
    AspNetRedisFsync,

    /// <summary>ActorSessions in memory (<c>AddActorSessions</c>, no store).</summary>
    ActorSessionsMemory,

    /// <summary>ActorSessions over SQLite (<c>UseSqliteStore</c>).</summary>
    ActorSessionsSqlite,

    /// <summary>ActorSessions over PostgreSQL (<c>UsePostgreSqlStore</c>).</summary>
    ActorSessionsPostgreSql,
}
