using ActorSessions.Storage;
using System.Threading.RateLimiting;
using ActorSessions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActorSessions.AspNetCore;

/// <summary>
/// Options of <c>AddActorSessions</c> and the session middleware (<see cref="HttpSessionApplicationBuilderExtensions.UseActorSessions"/>):
/// those of ASP.NET Core's <c>SessionOptions</c> under the same names (<see cref="IdleTimeout"/>,
/// <see cref="IOTimeout"/>, <see cref="Cookie"/>), the limits that protect the container, and, for an app
/// without an actor system of its own, the container's options and store.
/// </summary>
/// <remarks>
/// An app that runs Akka.Hosting itself (<c>AddAkka(..., akka => akka.WithActorSessions(...))</c>) sets the
/// container's options there, and leaves <see cref="IdleTimeout"/>, <see cref="Container"/> and the store
/// unset here: given in both places, the start fails.
/// </remarks>
public sealed class ActorSessionsHttpOptions : IActorSessionsStoreOptions
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
    /// The options of the container that <c>AddActorSessions</c> starts, with an actor system of its own, when
    /// the app has none (no <c>AddAkka</c>): everything <c>WithActorSessions</c> takes. Bound from
    /// configuration under <c>Container</c> (e.g. <c>Container:MaxSessions</c>).
    /// </summary>
    /// <value>Nothing set: the library defaults (<c>reference.conf</c>), sessions in memory only.</value>
    public ActorSessionsOptions Container { get; set; } = new();

    /// <summary>
    /// Sliding expiry, as ASP.NET Core's <c>SessionOptions.IdleTimeout</c>: a session neither read nor written
    /// for this long is gone. The container's <see cref="ActorSessionsOptions.IdleTimeout"/>.
    /// </summary>
    /// <value><see langword="null"/>: <c>actor-sessions.idle-timeout</c>, 30 minutes.</value>
    public TimeSpan? IdleTimeout
    {
        get => Container.IdleTimeout;
        set => Container.IdleTimeout = value;
    }

    /// <summary>The container's store, set by <c>UseSqliteStore()</c> or <c>UsePostgreSqlStore()</c>; see <see cref="ActorSessionsOptions.SessionStore"/>.</summary>
    Func<Akka.Actor.ActorSystem, ISessionStore>? IActorSessionsStoreOptions.SessionStore
    {
        get => Container.SessionStore;
        set => Container.SessionStore = value;
    }

    /// <summary>
    /// How long loading a session may wait for the container. Past it, the session of that request is
    /// unavailable (<see cref="Microsoft.AspNetCore.Http.ISession.IsAvailable"/> is false, <c>LoadAsync</c>
    /// throws, a write is refused with 503) and the error is logged; the request itself goes on.
    /// </summary>
    /// <remarks>
    /// Unlike ASP.NET Core's session, a commit is not cut short here: it waits for the container's verdict,
    /// which the container's own timeouts bound (<c>actor-sessions.request-timeout</c> holds the store's
    /// <c>commit-timeout</c>), so a write is never reported lost that was in fact stored.
    /// </remarks>
    /// <value>1 second, as ASP.NET Core's own session.</value>
    public TimeSpan IOTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The <c>Retry-After</c> of a 503 answered because the session's changes could not be stored.</summary>
    /// <value>5 seconds.</value>
    public TimeSpan UnavailableRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many new sessions one client address may create per minute, on average; past it a request that
    /// would create one is answered 429 with <c>Retry-After</c> and stores nothing. An IPv6 client counts by
    /// its /64 network. Behind a proxy, use ASP.NET Core's forwarded headers so the client's own address is
    /// seen. <see langword="null"/> turns the limit off.
    /// </summary>
    /// <value>120.</value>
    public int? NewSessionsPerMinute { get; set; } = 120;

    /// <summary>How many new sessions one client address may create at once before <see cref="NewSessionsPerMinute"/> paces it.</summary>
    /// <value>60.</value>
    public int NewSessionBurst { get; set; } = 60;

    /// <summary>
    /// A limiter of one's own for new sessions (e.g. partitioned by user or API key), used instead of
    /// <see cref="NewSessionsPerMinute"/>; a request whose lease is refused is answered 429.
    /// </summary>
    /// <value><see langword="null"/>: the per-address limit applies.</value>
    public PartitionedRateLimiter<HttpContext>? NewSessionLimiter { get; set; }

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
    /// refused with 413. <see langword="null"/> leaves the server's own limit (Kestrel's is 30 MB) and
    /// the endpoints' own (<c>[RequestSizeLimit]</c>, <c>[DisableRequestSizeLimit]</c>).
    /// </summary>
    /// <remarks>
    /// Off by default: the session's own limits (<see cref="MaxValueBytes"/>, <see cref="MaxKeys"/>, and the
    /// container's per-session size) bound what is stored; a limit on every request body of the app is
    /// the app's to choose.
    /// </remarks>
    /// <value><see langword="null"/>.</value>
    public long? MaxRequestBodyBytes { get; set; }

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

        if (UnavailableRetryAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(UnavailableRetryAfter), UnavailableRetryAfter, "UnavailableRetryAfter cannot be negative.");
        }

        if (NewSessionsPerMinute is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(NewSessionsPerMinute), NewSessionsPerMinute, "NewSessionsPerMinute must be at least 1, or null for no limit.");
        }

        if (NewSessionBurst < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(NewSessionBurst), NewSessionBurst, "NewSessionBurst must be at least 1.");
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
