namespace ActorSessions;

/// <summary>The answer to <see cref="GetSession"/> when the session is held.</summary>
/// <param name="Session">The session's snapshot.</param>
public sealed record SessionFound(Session Session) : ISessionMessage;
