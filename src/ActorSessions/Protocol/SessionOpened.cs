namespace ActorSessions;

/// <summary>The answer to <see cref="OpenSession"/>.</summary>
/// <param name="Session">The open session's snapshot.</param>
/// <param name="IsNew"><see langword="true"/> when the container created it for this request.</param>
public sealed record SessionOpened(Session Session, bool IsNew) : ISessionMessage;
