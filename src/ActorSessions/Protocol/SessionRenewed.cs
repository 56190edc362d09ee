namespace ActorSessions;

/// <summary>The answer to <see cref="RenewSessionId"/>.</summary>
/// <param name="Session">The session under its new id.</param>
/// <param name="PreviousId">The id that no longer opens it.</param>
public sealed record SessionRenewed(Session Session, string PreviousId) : ISessionMessage;
