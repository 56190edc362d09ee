namespace ActorSessions;

/// <summary>
/// Shifts every session's <see cref="Session.CreatedAt"/> and <see cref="Session.LastModified"/> by
/// <paramref name="Delta"/>, after the wall clock was set. The seed's <c>adjustTime</c>; the mailbox is
/// the lock it asked callers to hold. Expiry runs on the monotonic clock, so this never expires or
/// revives a session. Answered with <see cref="TimeAdjusted"/>.
/// </summary>
/// <param name="Delta">How far the wall clock moved.</param>
public sealed record AdjustTime(TimeSpan Delta) : ISessionMessage;
