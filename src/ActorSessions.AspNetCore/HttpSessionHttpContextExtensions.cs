using ActorSessions.AspNetCore;

// Beside ASP.NET Core's own ISession extensions (GetString, SetInt32, ...), so no extra using is needed.
namespace Microsoft.AspNetCore.Http;

/// <summary>The ActorSessions operations on a request: the typed session, id renewal at login, and logout.</summary>
public static class HttpSessionHttpContextExtensions
{
    /// <summary>This request's <see cref="HttpSession"/>: the same session as <c>HttpContext.Session</c>, with the typed <see cref="HttpSession.Current"/>.</summary>
    /// <exception cref="InvalidOperationException">The request does not go through <c>UseActorSessions</c>, or its response has finished.</exception>
    public static HttpSession GetActorSession(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<HttpSession>()
            ?? throw new InvalidOperationException("This request has no ActorSessions session: add app.UseActorSessions() before this endpoint.");
    }

    /// <summary>
    /// Gives the session a fresh id and retires the old one, keeping the data; call it at login against
    /// session fixation. See <see cref="HttpSession.RenewIdAsync"/>.
    /// </summary>
    public static Task RenewSessionIdAsync(this HttpContext context) =>
        context.GetActorSession().RenewIdAsync(context.RequestAborted);

    /// <summary>Ends the session (logout): deleted in the container, cookie deleted. See <see cref="HttpSession.EndAsync"/>.</summary>
    public static Task EndSessionAsync(this HttpContext context) =>
        context.GetActorSession().EndAsync(context.RequestAborted);
}
