using ActorSessions.Storage;
using System.Globalization;
using System.Text;

namespace ActorSessions.Hosting;

/// <summary>
/// Options for <see cref="AkkaActorSessionsHostingExtensions.WithActorSessions(Akka.Hosting.AkkaConfigurationBuilder, Action{ActorSessionsOptions}?)"/>. A property left
/// <see langword="null"/> keeps the value from the application's HOCON, or else the library default of
/// <c>reference.conf</c>; a property that is set overrides both.
/// </summary>
public sealed class ActorSessionsOptions : IActorSessionsStoreOptions
{
    /// <summary>The default name of the container actor, under <c>/user</c>.</summary>
    public const string DefaultActorName = "session-container";

    /// <summary>The container actor's name.</summary>
    /// <value><c>session-container</c>.</value>
    public string? ActorName { get; set; }

    /// <summary><c>actor-sessions.idle-timeout</c>: sliding expiry.</summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary><c>actor-sessions.absolute-timeout</c>: expiry counted from creation; <see cref="TimeSpan.Zero"/> turns it off.</summary>
    public TimeSpan? AbsoluteTimeout { get; set; }

    /// <summary><c>actor-sessions.cleanup-interval</c>.</summary>
    public TimeSpan? CleanupInterval { get; set; }

    /// <summary><c>actor-sessions.cleanup-batch-size</c>.</summary>
    public int? CleanupBatchSize { get; set; }

    /// <summary><c>actor-sessions.session-id-length</c>.</summary>
    public int? SessionIdLength { get; set; }

    /// <summary><c>actor-sessions.partitions</c>: how many containers split the sessions by a stable hash of their id, to use more cores.</summary>
    public int? Partitions { get; set; }

    /// <summary><c>actor-sessions.max-sessions</c>.</summary>
    public int? MaxSessions { get; set; }

    /// <summary><c>actor-sessions.request-timeout</c>: how long the client waits for the container.</summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary><c>actor-sessions.promote-after</c>: how old a session must be for a touch to protect it from eviction.</summary>
    public TimeSpan? PromoteAfter { get; set; }

    /// <summary><c>actor-sessions.max-keys-per-session</c>.</summary>
    public int? MaxKeysPerSession { get; set; }

    /// <summary><c>actor-sessions.max-session-bytes</c>: keys at two bytes a character plus values, per session.</summary>
    public long? MaxSessionBytes { get; set; }

    /// <summary><c>actor-sessions.max-memory</c>, in bytes: the container's memory budget; zero or less turns it off.</summary>
    public long? MaxMemory { get; set; }

    /// <summary>The container's clock; when <see langword="null"/>, a <see cref="System.TimeProvider"/> registered in DI, else the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>The seed's <c>_createSession</c>: shapes every new session, e.g. with initial data. See <see cref="SessionContainerOptions.SessionFactory"/>.</summary>
    public Func<Session, Session>? SessionFactory { get; set; }

    /// <summary>
    /// Makes the container durable: called once when the actor system starts, it returns the store the
    /// container recovers its sessions from and writes them to (see docs/DURABILITY.md). The store is
    /// disposed when the actor system terminates, after the container has flushed its touches.
    /// <see langword="null"/> (the default) keeps sessions in memory only. <c>UseSqliteStore()</c>
    /// (ActorSessions.Sqlite) and <c>UsePostgreSqlStore()</c> (ActorSessions.PostgreSql) set it.
    /// </summary>
    public Func<Akka.Actor.ActorSystem, ISessionStore>? SessionStore { get; set; }

    /// <summary>Whether no property is set: the options then change nothing of the HOCON and library defaults.</summary>
    internal bool IsEmpty =>
        ActorName is null && TimeProvider is null && SessionFactory is null && SessionStore is null && ToHocon().Length == 0;

    /// <summary>The HOCON for the properties that are set, and only those.</summary>
    public string ToHocon()
    {
        var sb = new StringBuilder();
        Append(sb, "idle-timeout", IdleTimeout);
        if (AbsoluteTimeout is { } absolute)
        {
            sb.Append("actor-sessions.absolute-timeout = ")
                .Append(absolute <= TimeSpan.Zero ? "off" : Duration(absolute))
                .AppendLine();
        }

        Append(sb, "cleanup-interval", CleanupInterval);
        Append(sb, "cleanup-batch-size", CleanupBatchSize);
        Append(sb, "session-id-length", SessionIdLength);
        Append(sb, "max-sessions", MaxSessions);
        Append(sb, "partitions", Partitions);
        Append(sb, "request-timeout", RequestTimeout);
        Append(sb, "promote-after", PromoteAfter);
        Append(sb, "max-keys-per-session", MaxKeysPerSession);
        Append(sb, "max-session-bytes", MaxSessionBytes);
        if (MaxMemory is { } memory)
        {
            sb.Append("actor-sessions.max-memory = ")
                .Append(memory <= 0 ? "off" : memory.ToString(CultureInfo.InvariantCulture))
                .AppendLine();
        }

        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string key, TimeSpan? value)
    {
        if (value is { } v)
        {
            sb.Append("actor-sessions.").Append(key).Append(" = ").Append(Duration(v)).AppendLine();
        }
    }

    private static void Append(StringBuilder sb, string key, long? value)
    {
        if (value is { } v)
        {
            sb.Append("actor-sessions.").Append(key).Append(" = ").Append(v.ToString(CultureInfo.InvariantCulture)).AppendLine();
        }
    }

    private static void Append(StringBuilder sb, string key, int? value)
    {
        if (value is { } v)
        {
            sb.Append("actor-sessions.").Append(key).Append(" = ").Append(v.ToString(CultureInfo.InvariantCulture)).AppendLine();
        }
    }

    // Whole milliseconds, which HOCON reads back exactly; a sub-millisecond remainder is rounded up so a
    // positive value never becomes zero.
    private static string Duration(TimeSpan value) =>
        ((long)Math.Ceiling(value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";
}
