using Akka.Configuration;

namespace ActorSessions;

/// <summary>
/// The container's settings: immutable, validated as each value is set, read from the
/// <c>actor-sessions</c> HOCON section with the defaults of the embedded <c>reference.conf</c>.
/// </summary>
/// <remarks>An invalid value throws <see cref="ArgumentException"/> at once, so a container never starts misconfigured.</remarks>
public sealed record SessionSettings
{
    /// <summary>The HOCON section the settings live in.</summary>
    public const string ConfigPath = "actor-sessions";

    /// <summary>The characters an id is made of: 64 of them, so each carries 6 bits.</summary>
    internal const int BitsPerIdCharacter = 6;

    /// <summary>The shortest id that still carries 64 bits of entropy.</summary>
    public const int MinSessionIdLength = (64 + BitsPerIdCharacter - 1) / BitsPerIdCharacter;

    /// <summary>The longest id the container issues; longer ids are never looked up at all.</summary>
    public const int MaxSessionIdLength = 256;

    /// <summary>The library's defaults: the embedded <c>reference.conf</c>.</summary>
    public static Config DefaultConfig { get; } =
        ConfigurationFactory.FromResource<SessionSettings>("ActorSessions.reference.conf");

    /// <summary>The settings of <c>reference.conf</c>, unchanged.</summary>
    public static SessionSettings Default { get; } = Create(ConfigurationFactory.Empty);

    /// <summary>Sliding expiry: how long a session lives after it was last opened or saved.</summary>
    /// <value>30 minutes (<c>idle-timeout</c>).</value>
    public TimeSpan IdleTimeout
    {
        get;
        init => field = SettingsGuard.Positive(value, nameof(IdleTimeout));
    } = TimeSpan.FromMinutes(30);

    /// <summary>Absolute expiry: how long a session lives after it was created, however active; <see langword="null"/> for none.</summary>
    /// <value><see langword="null"/> (<c>absolute-timeout = off</c>).</value>
    public TimeSpan? AbsoluteTimeout
    {
        get;
        init => field = value is { } v ? SettingsGuard.Positive(v, nameof(AbsoluteTimeout)) : null;
    }

    /// <summary>How often the container's timer sweeps expired sessions out of memory.</summary>
    /// <value>60 seconds (<c>cleanup-interval</c>).</value>
    public TimeSpan CleanupInterval
    {
        get;
        init => field = SettingsGuard.Positive(value, nameof(CleanupInterval));
    } = TimeSpan.FromSeconds(60);

    /// <summary>The most sessions one cleanup removes in a single actor turn before it lets other messages through.</summary>
    /// <value>1000 (<c>cleanup-batch-size</c>).</value>
    public int CleanupBatchSize
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(CleanupBatchSize), value, "cleanup-batch-size must be at least 1.");
    } = 1000;

    /// <summary>Characters in a session id; each carries 6 bits.</summary>
    /// <value>20, that is 120 bits (<c>session-id-length</c>).</value>
    public int SessionIdLength
    {
        get;
        init => field = value is >= MinSessionIdLength and <= MaxSessionIdLength
            ? value
            : throw new ArgumentOutOfRangeException(
                nameof(SessionIdLength),
                value,
                $"session-id-length = {value} gives {value * BitsPerIdCharacter} bits; session ids need at least 64 bits of entropy ({MinSessionIdLength} characters) and at most {MaxSessionIdLength} characters.");
    } = 20;

    /// <summary>
    /// The most sessions the container holds. A new session beyond it first takes the place of an expired
    /// one, else evicts the session on probation touched longest ago, else the protected one touched
    /// longest ago (see <see cref="PromoteAfter"/>).
    /// </summary>
    /// <value>1,000,000 (<c>max-sessions</c>).</value>
    public int Partitions
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Partitions), value, "partitions must be at least 1.");
    } = 1;

    /// <summary>The most sessions held at once, over all partitions; a new session beyond it evicts one.</summary>
    public int MaxSessions
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxSessions), value, "max-sessions must be at least 1.");
    } = 1_000_000;

    /// <summary>
    /// A session opened again by its id (<see cref="OpenSession"/> of a live session, or a touch-only
    /// <see cref="UpdateSession"/>, which is how a later web request loads it) moves from probation to the
    /// protected segment, which eviction reaches only once probation is empty and which holds at most 80 %
    /// of <see cref="MaxSessions"/>; so does any other touch (a save, update or renewal) once the session is
    /// this old. A session created and written in one web request (two messages a moment apart) stays on
    /// probation; one that a later request uses again is protected, so a flood of sessions used once
    /// evicts only sessions used once. <see cref="TimeSpan.Zero"/> protects a session at its first touch
    /// after creation.
    /// </summary>
    /// <value>1 second (<c>promote-after</c>).</value>
    public TimeSpan PromoteAfter
    {
        get;
        init => field = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(PromoteAfter), value, "promote-after must not be negative.");
    } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The most keys one session holds. A save, update, batch entry or session-factory result that would
    /// leave a session with more is refused with <see cref="SessionTooLargeException"/> and changes nothing.
    /// </summary>
    /// <value>1,000 (<c>max-keys-per-session</c>).</value>
    public int MaxKeysPerSession
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxKeysPerSession), value, "max-keys-per-session must be at least 1.");
    } = 1000;

    /// <summary>
    /// The most bytes of data one session holds: every key at two bytes a character (UTF-16, as .NET holds
    /// it) plus the length of every value. A write that would leave a session larger is refused with
    /// <see cref="SessionTooLargeException"/> and changes nothing; one that shrinks a session is always
    /// taken, so a session held over a lowered limit can still be trimmed.
    /// </summary>
    /// <value>1 MiB, 1,048,576 bytes (<c>max-session-bytes</c>).</value>
    public long MaxSessionBytes
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxSessionBytes), value, "max-session-bytes must be at least 1.");
    } = 1L << 20;

    /// <summary>
    /// The container's memory budget: the data of all its sessions, counted as for
    /// <see cref="MaxSessionBytes"/>, plus 64 bytes a key for the key's and value's object headers and
    /// 160 bytes a session for its entry, id and index. A create or
    /// write that would go over it first ends expired sessions and then evicts others, in the order of
    /// <see cref="MaxSessions"/>; one that could not fit even alone is refused with
    /// <see cref="SessionTooLargeException"/>. <see langword="null"/> for no budget.
    /// </summary>
    /// <remarks>It tracks the live heap the sessions take; the process needs the garbage collector's headroom on top.</remarks>
    /// <value>1 GiB (<c>max-memory</c>).</value>
    public long? MaxMemory
    {
        get;
        init => field = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxMemory), value, "max-memory must be at least 1 byte, or off.");
    } = 1L << 30;

    /// <summary>
    /// Reads the <c>actor-sessions</c> section of <paramref name="config"/>; a key it lacks takes its
    /// default from <c>reference.conf</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A value is out of range or cannot be read.</exception>
    public static SessionSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.WithFallback(DefaultConfig).GetConfig(ConfigPath);
        try
        {
            return new SessionSettings
            {
                IdleTimeout = section.GetTimeSpan("idle-timeout", allowInfinite: false),
                AbsoluteTimeout = ReadOptionalTimeSpan(section, "absolute-timeout"),
                CleanupInterval = section.GetTimeSpan("cleanup-interval", allowInfinite: false),
                CleanupBatchSize = section.GetInt("cleanup-batch-size"),
                SessionIdLength = section.GetInt("session-id-length"),
                MaxSessions = section.GetInt("max-sessions"),
                Partitions = section.GetInt("partitions"),
                PromoteAfter = section.GetTimeSpan("promote-after", allowInfinite: false),
                MaxKeysPerSession = section.GetInt("max-keys-per-session"),
                MaxSessionBytes = ReadByteSize(section, "max-session-bytes"),
                MaxMemory = IsOff(section.GetString("max-memory")) ? null : ReadByteSize(section, "max-memory"),
            };
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            // HOCON parse errors come out as assorted exception types; callers get one kind.
            throw new ArgumentException($"The {ConfigPath} configuration cannot be read: {e.Message}", nameof(config), e);
        }
    }

    private static TimeSpan? ReadOptionalTimeSpan(Config section, string key) =>
        IsOff(section.GetString(key)) ? null : section.GetTimeSpan(key, allowInfinite: false);

    private static bool IsOff(string? raw) => raw is null || raw.Trim() is "" or "off" or "none" or "false";

    /// <summary>A size such as <c>1048576</c>, <c>256KiB</c> or <c>1 GiB</c>.</summary>
    private static long ReadByteSize(Config section, string key) =>
        section.GetByteSize(key) ?? throw new ArgumentException($"{ConfigPath}.{key} is missing.", key);
}
