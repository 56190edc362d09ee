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

    /// <summary>The most sessions the container holds; a new session beyond it evicts the one idle longest.</summary>
    /// <value>1,000,000 (<c>max-sessions</c>).</value>
    public int MaxSessions
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxSessions), value, "max-sessions must be at least 1.");
    } = 1_000_000;

    /// <summary>How long <see cref="SessionClient"/> waits for an answer before the call fails.</summary>
    /// <value>5 seconds (<c>request-timeout</c>).</value>
    public TimeSpan RequestTimeout
    {
        get;
        init => field = SettingsGuard.Positive(value, nameof(RequestTimeout));
    } = TimeSpan.FromSeconds(5);

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
                RequestTimeout = section.GetTimeSpan("request-timeout", allowInfinite: false),
            };
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            // HOCON parse errors come out as assorted exception types; callers get one kind.
            throw new ArgumentException($"The {ConfigPath} configuration cannot be read: {e.Message}", nameof(config), e);
        }
    }

    private static TimeSpan? ReadOptionalTimeSpan(Config section, string key)
    {
        var raw = section.GetString(key);
        return raw is null || raw.Trim() is "" or "off" or "none" or "false"
            ? null
            : section.GetTimeSpan(key, allowInfinite: false);
    }
}
