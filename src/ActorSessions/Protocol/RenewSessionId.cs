namespace ActorSessions;

/// <summary>
/// Moves a session's data to a fresh id and retires the old id at once: the defence against session
/// fixation that OWASP asks for at login. Creation time (and so the absolute timeout) carries over.
/// Answered with <see cref="SessionRenewed"/> or <see cref="SessionNotFound"/>.
/// </summary>
/// <param name="SessionId">The session to renew.</param>
public sealed record RenewSessionId(string SessionId) : ISessionRequest;
