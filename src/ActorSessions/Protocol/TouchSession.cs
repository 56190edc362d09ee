namespace ActorSessions;

/// <summary>
/// Loads a session for a request that came back with its id: the session is touched (its idle timeout
/// starts again) if the container holds it, and nothing is created if it does not. Answered with
/// <see cref="SessionFound"/>, or <see cref="SessionNotFound"/> for an id the container does not hold —
/// never issued, expired, ended, or not a session id at all.
/// </summary>
/// <remarks>
/// Not a write: the touch is written behind to a store, so the answer never waits for a commit. Unlike
/// <see cref="GetSession"/>, which only peeks, it keeps the session alive and marks its holder as coming
/// back, which protects it from eviction.
/// </remarks>
/// <param name="SessionId">The id the request presented.</param>
public sealed record TouchSession(string SessionId) : ISessionRequest;
