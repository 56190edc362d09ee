namespace ActorSessions.AspNetCore;

/// <summary>
/// Thrown by <see cref="HttpSession"/> when a change to the session cannot be made durable: the session
/// could not be loaded (so it cannot be written), the container's store refused the commit, or the
/// container did not confirm it in time. Nothing of the request's changes is stored. Unhandled, the
/// middleware answers the request with 503 and a <c>Retry-After</c> header.
/// </summary>
public sealed class SessionUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be done; it is shown to the client, so it never names the session id.</param>
    /// <param name="innerException">The cause, e.g. the container's <see cref="SessionStoreUnavailableException"/>.</param>
    public SessionUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
