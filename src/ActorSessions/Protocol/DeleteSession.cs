namespace ActorSessions;

/// <summary>Ends a session now (logout). The seed's <c>_unlink</c>. Answered with <see cref="SessionDeleted"/>.</summary>
/// <param name="SessionId">The session to delete.</param>
public sealed record DeleteSession(string SessionId) : ISessionRequest;
