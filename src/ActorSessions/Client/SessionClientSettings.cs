using Akka.Configuration;

namespace ActorSessions;

/// <summary>
/// How a <see cref="SessionClient"/> calls its container: immutable, validated as each value is set, read
/// from the <c>actor-sessions</c> section with the defaults of the embedded <c>reference.conf</c>. Apart
/// from <see cref="SessionSettings"/>, which are the container's: a client may call a container it does
/// not configure (another process's, a shard region).
/// </summary>
public sealed record SessionClientSettings
{
    /// <summary>The settings of <c>reference.conf</c>, unchanged.</summary>
    public static SessionClientSettings Default { get; } = Create(ConfigurationFactory.Empty);

    /// <summary>How long a call waits for the container's answer before it fails with a <see cref="TimeoutException"/>.</summary>
    /// <remarks>
    /// With a store, a write waits for the commit in flight and then its own, so this must be more than
    /// twice <see cref="SessionStoreSettings.CommitTimeout"/> for every caller to hear the verdict on its
    /// write (the hosting checks it at start).
    /// </remarks>
    /// <value>5 seconds (<c>actor-sessions.request-timeout</c>).</value>
    public TimeSpan RequestTimeout
    {
        get;
        init => field = SettingsGuard.Positive(value, nameof(RequestTimeout));
    } = TimeSpan.FromSeconds(5);

    /// <summary>Reads <c>actor-sessions.request-timeout</c> from <paramref name="config"/>, else its default.</summary>
    /// <exception cref="ArgumentException">The value is out of range or cannot be read.</exception>
    public static SessionClientSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.WithFallback(SessionSettings.DefaultConfig).GetConfig(SessionSettings.ConfigPath);
        try
        {
            return new SessionClientSettings { RequestTimeout = section.GetTimeSpan("request-timeout", allowInfinite: false) };
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            throw new ArgumentException($"The {SessionSettings.ConfigPath}.request-timeout setting cannot be read: {e.Message}", nameof(config), e);
        }
    }
}
