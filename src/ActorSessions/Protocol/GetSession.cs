namespace ActorSessions;

/// <summary>
/// Reads a session without touching it: its expiry does not move. The seed's <c>_exists</c>.
/// Answered with <see cref="SessionFound"/> or <see cref="SessionNotFound"/>.
/// </summary>
/// <param name="SessionId">The session to read.</param>
public sealed record GetSession(string SessionId) : ISessionRequest;
