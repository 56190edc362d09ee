using ActorSessions.Storage;
using Akka.Configuration;

namespace ActorSessions;

/// <summary>
/// How a container uses its <see cref="ISessionStore"/>: immutable, validated as each value is set, read
/// from <c>actor-sessions.store</c> with the defaults of the embedded <c>reference.conf</c>.
/// </summary>
public sealed record SessionStoreSettings
{
    /// <summary>The HOCON section the settings live in.</summary>
    public const string ConfigPath = "actor-sessions.store";

    /// <summary>The settings of <c>reference.conf</c>, unchanged.</summary>
    public static SessionStoreSettings Default { get; } = Create(ConfigurationFactory.Empty);

    /// <summary>How often the touches of <see cref="OpenSession"/> (sliding expiry) are written behind.</summary>
    /// <value>1 second (<c>touch-flush-interval</c>).</value>
    public TimeSpan TouchFlushInterval
    {
        get;
        init => field = SettingsGuard.Positive(value, nameof(TouchFlushInterval));
    } = TimeSpan.FromSeconds(1);

    /// <summary>The longest a commit may take before it is cancelled and counted as failed.</summary>
    /// <remarks>
    /// A write waits at most for the commit in flight and then its own, so the client's
    /// <see cref="SessionClientSettings.RequestTimeout"/> must be more than twice this for every caller to hear
    /// the verdict on its write.
    /// </remarks>
    /// <value>2 seconds (<c>commit-timeout</c>).</value>
    public TimeSpan CommitTimeout
    {
        get;
        init => field = SettingsGuard.Positive(value, nameof(CommitTimeout));
    } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many times a commit about to start first lets the work already queued on the thread pool run,
    /// so that the requests running there reach the journal and their writes share the commit (group
    /// commit carries more writes, and each costs less CPU). With nothing queued a commit starts at once,
    /// so a lone write is never held back; 0 starts every commit at once.
    /// </summary>
    /// <remarks>
    /// No timer is involved: a yield lasts as long as the work queued ahead of it, and the yields are
    /// counted afresh for each commit. After the first, a commit yields again only while its yields have
    /// taken less time than the last commit did, so on a starved thread pool, where a yield waits long, a
    /// write's wait for its commit at most about doubles. The figures (writes a commit, CPU a request, with
    /// and without) are in docs/PERFORMANCE.md; more than 4 yields gathered no more writes there.
    /// </remarks>
    /// <value>4 (<c>commit-yields</c>).</value>
    public int CommitYields
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(CommitYields), value, "store commit-yields cannot be negative.");
    } = 4;

    /// <summary>The first wait before probing a store that failed.</summary>
    /// <value>200 milliseconds (<c>min-backoff</c>).</value>
    public TimeSpan MinBackoff
    {
        get;
        init => field = SettingsGuard.Positive(value, nameof(MinBackoff));
    } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between probes of a store that keeps failing.</summary>
    /// <value>10 seconds (<c>max-backoff</c>).</value>
    public TimeSpan MaxBackoff
    {
        get;
        init => field = SettingsGuard.Positive(value, nameof(MaxBackoff));
    } = TimeSpan.FromSeconds(10);

    /// <summary>How long after its expiry a row is deleted by the store's cleanup.</summary>
    /// <value>1 minute (<c>cleanup-grace</c>).</value>
    public TimeSpan CleanupGrace
    {
        get;
        init => field = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(CleanupGrace), value, "cleanup-grace cannot be negative.");
    } = TimeSpan.FromMinutes(1);

    /// <summary>The most rows one cleanup transaction deletes.</summary>
    /// <value>10,000 (<c>cleanup-batch-size</c>).</value>
    public int CleanupBatchSize
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(CleanupBatchSize), value, "store cleanup-batch-size must be at least 1.");
    } = 10_000;

    /// <summary>
    /// The longest recovering the sessions from the store at start may take. Past it the attempt is
    /// cancelled, requests are answered with a <see cref="SessionStoreUnavailableException"/> saying so, and
    /// recovery starts again after a backoff.
    /// </summary>
    /// <value>5 minutes (<c>recovery-timeout</c>): about 40 times what 1,000,000 sessions take from SQLite here.</value>
    public TimeSpan RecoveryTimeout
    {
        get;
        init => field = SettingsGuard.Positive(value, nameof(RecoveryTimeout));
    } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether a container serves requests while it recovers, when its store can read a row by its id
    /// (<see cref="ISessionStore.FindAsync"/>): a request about a session not read yet waits only for that
    /// session's row, looked up on its own, and the rest of the rows are read behind. Otherwise every
    /// request waits until the last row is read, which takes seconds at a million sessions.
    /// </summary>
    /// <remarks>
    /// While it recovers, <see cref="SessionSettings.MaxSessions"/> and <see cref="SessionSettings.MaxMemory"/>
    /// count only the sessions read so far: if the store holds more than they allow, the excess is evicted
    /// when the last row is read, as after a full recovery. <see cref="AdjustTime"/> and
    /// <see cref="CleanupSessions"/> are applied to every session, so they and every request behind them
    /// wait until the last row is read.
    /// </remarks>
    /// <value><see langword="true"/> (<c>serve-while-recovering = on</c>).</value>
    public bool ServeWhileRecovering { get; init; } = true;

    /// <summary>
    /// Reads the <c>actor-sessions.store</c> section of <paramref name="config"/>; a key it lacks takes its
    /// default from <c>reference.conf</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A value is out of range or cannot be read.</exception>
    public static SessionStoreSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.WithFallback(SessionSettings.DefaultConfig).GetConfig(ConfigPath);
        try
        {
            var settings = new SessionStoreSettings
            {
                TouchFlushInterval = section.GetTimeSpan("touch-flush-interval", allowInfinite: false),
                CommitTimeout = section.GetTimeSpan("commit-timeout", allowInfinite: false),
                CommitYields = section.GetInt("commit-yields"),
                MinBackoff = section.GetTimeSpan("min-backoff", allowInfinite: false),
                MaxBackoff = section.GetTimeSpan("max-backoff", allowInfinite: false),
                CleanupGrace = section.GetTimeSpan("cleanup-grace", allowInfinite: false),
                CleanupBatchSize = section.GetInt("cleanup-batch-size"),
                RecoveryTimeout = section.GetTimeSpan("recovery-timeout", allowInfinite: false),
                ServeWhileRecovering = section.GetBoolean("serve-while-recovering"),
            };
            return settings.MaxBackoff >= settings.MinBackoff
                ? settings
                : throw new ArgumentException("actor-sessions.store.max-backoff must be at least min-backoff.", nameof(config));
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            throw new ArgumentException($"The {ConfigPath} configuration cannot be read: {e.Message}", nameof(config), e);
        }
    }
}
