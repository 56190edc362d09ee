namespace ActorSessions;

/// <summary>
/// Published on the actor system's EventStream exactly once for every session id that stops opening
/// its session, whatever the reason.
/// </summary>
/// <param name="SessionId">The id that ended.</param>
/// <param name="Reason">Why it ended.</param>
public sealed record SessionEnded(string SessionId, SessionEndReason Reason) : ISessionMessage;
