namespace ActorSessions;

/// <summary>The answer when the container does not hold the requested session (it never did, it expired, or it was deleted or renewed).</summary>
/// <param name="SessionId">The id the request named.</param>
public sealed record SessionNotFound(string SessionId) : ISessionMessage
{
    /// <summary>
    /// <see langword="true"/> when the container ended this id a moment ago by a logout (<see cref="DeleteSession"/>)
    /// or a renewal (<see cref="RenewSessionId"/>): a request still carrying it raced that change, and its
    /// writes should be refused rather than start a new session. <see langword="false"/> for an id that
    /// expired, never existed, or was retired longer ago than the container remembers (two minutes).
    /// </summary>
    public bool Retired { get; init; }
}
