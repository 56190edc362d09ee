namespace ActorSessions;

/// <summary>The answer to a successful <see cref="SaveSession"/>: the session as the container now holds it.</summary>
/// <param name="Session">The stored snapshot, with its new <see cref="Session.Version"/>.</param>
public sealed record SessionSaved(Session Session) : ISessionMessage;
