namespace ActorSessions.AspNetCore;

/// <summary>
/// Thrown by <see cref="HttpSession"/> when a request writes to a session that another request ended
/// (logout) or renewed (login) while this one ran, or whose id was retired that way just before. The
/// write is refused rather than forked into a new session: it never reaches the renewed session's data,
/// and a login racing a page's other requests does not leave the user with a second, empty session.
/// Nothing of the request's changes is stored. Unhandled, the middleware answers with 409.
/// </summary>
public sealed class SessionConflictException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused; it is shown to the client, so it never names the session id.</param>
    public SessionConflictException(string message)
        : base(message)
    {
    }
}
