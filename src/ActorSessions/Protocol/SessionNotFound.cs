namespace ActorSessions;

/// <summary>The answer when the container does not hold the requested session (it never did, it expired, or it was deleted or renewed).</summary>
/// <param name="SessionId">The id the request named.</param>
public sealed record SessionNotFound(string SessionId);
