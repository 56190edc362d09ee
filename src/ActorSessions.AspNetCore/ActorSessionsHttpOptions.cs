using Microsoft.AspNetCore.Http;

namespace ActorSessions.AspNetCore;

/// <summary>
/// Options of the session middleware (<see cref="HttpSessionApplicationBuilderExtensions.UseActorSessions"/>):
/// the cookie, how long to wait for the container, and the limits that protect it.
/// </summary>
/// <remarks>The container's own settings (idle timeout, ...) are set where it is started, with <c>WithActorSessions</c>.</remarks>
public sealed class ActorSessionsHttpOptions
{
    /// <summary>The default name of the session cookie.</summary>
    public const string DefaultCookieName = "actor-session";

    /// <summary>
    /// The session cookie. <see cref="CookieBuilder.SecurePolicy"/> decides the <c>Secure</c> flag:
    /// <see cref="CookieSecurePolicy.SameAsRequest"/> (HTTPS requests only), <see cref="CookieSecurePolicy.Always"/>
    /// or <see cref="CookieSecurePolicy.None"/>.
    /// </summary>
    /// <value>Named <c>actor-session</c>; HttpOnly, SameSite=Lax, Path=/, Secure on HTTPS requests, essential
    /// (so a cookie-consent policy does not hold it back), no expiry (it ends with the browser session;
    /// the container's idle timeout ends the session itself).</value>
    public CookieBuilder Cookie { get; set; } = new()
    {
        Name = DefaultCookieName,
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        SecurePolicy = CookieSecurePolicy.SameAsRequest,
        IsEssential = true,
    };

    /// <summary>
    /// How long loading or committing a session may wait for the container. Past it, the session of that
    /// request is unavailable (<see cref="Microsoft.AspNetCore.Http.ISession.IsAvailable"/> is false,
    /// <c>LoadAsync</c> throws) and the error is logged; the request itself goes on.
    /// </summary>
    /// <value>1 second, as ASP.NET Core's own session.</value>
    public TimeSpan IOTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest value one key may hold, in bytes; a larger write is refused with 413.</summary>
    /// <value>16 KiB.</value>
    public int MaxValueBytes { get; set; } = 16 * 1024;

    /// <summary>The longest key, in characters; a longer key is refused with 400.</summary>
    /// <value>256.</value>
    public int MaxKeyLength { get; set; } = 256;

    /// <summary>The most keys one session may hold; a write that adds one more is refused with 400.</summary>
    /// <value>100.</value>
    public int MaxKeys { get; set; } = 100;

    /// <summary>
    /// The largest request body the requests behind the middleware may send, in bytes; a larger one is
    /// refused with 413. <see langword="null"/> leaves the server's own limit (Kestrel's is 30 MB).
    /// </summary>
    /// <value>1 MiB.</value>
    public long? MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Throws <see cref="ArgumentException"/> when a value cannot work; the middleware calls it when it is built.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Cookie?.Name))
        {
            throw new ArgumentException("ActorSessionsHttpOptions.Cookie.Name must be set.", nameof(Cookie));
        }

        if (IOTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(IOTimeout), IOTimeout, "IOTimeout must be positive.");
        }

        if (MaxValueBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxValueBytes), MaxValueBytes, "MaxValueBytes cannot be negative.");
        }

        if (MaxKeyLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxKeyLength), MaxKeyLength, "MaxKeyLength must be at least 1.");
        }

        if (MaxKeys < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxKeys), MaxKeys, "MaxKeys must be at least 1.");
        }

        if (MaxRequestBodyBytes is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBodyBytes), MaxRequestBodyBytes, "MaxRequestBodyBytes cannot be negative.");
        }
    }
}
