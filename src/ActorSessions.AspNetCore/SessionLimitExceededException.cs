using Microsoft.AspNetCore.Http;

namespace ActorSessions.AspNetCore;

/// <summary>
/// Thrown by <see cref="HttpSession"/> when a write goes past a limit of <see cref="ActorSessionsHttpOptions"/>.
/// Nothing of the write is kept. Unhandled, the middleware answers the request with <see cref="StatusCode"/>
/// and <see cref="Exception.Message"/>, and stores none of the request's changes.
/// </summary>
public sealed class SessionLimitExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused and which limit it passed; it is shown to the client.</param>
    /// <param name="statusCode">The HTTP status the middleware answers with: 400, 413, or 429 for too many new sessions.</param>
    /// <param name="retryAfter">When the client may try again, sent as <c>Retry-After</c>; <see langword="null"/> for none.</param>
    public SessionLimitExceededException(string message, int statusCode = StatusCodes.Status400BadRequest, TimeSpan? retryAfter = null)
        : base(message)
    {
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    /// <summary>When the client may try again (a rate limit), or <see langword="null"/> when trying again cannot help.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The HTTP status the request is refused with.</summary>
    public int StatusCode { get; }
}
