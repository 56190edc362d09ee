namespace ActorSessions;

/// <summary>The answer to <see cref="GetSessionStats"/>: the container's figures since it started.</summary>
/// <param name="Count">Sessions held right now, expired ones that no cleanup has removed yet included.</param>
/// <param name="Created">Sessions created.</param>
/// <param name="Expired">Sessions that ended by idle or absolute timeout.</param>
/// <param name="Deleted">Sessions ended by <see cref="DeleteSession"/>.</param>
/// <param name="Evicted">Sessions evicted to stay within <see cref="SessionSettings.MaxSessions"/> or <see cref="SessionSettings.MaxMemory"/>.</param>
/// <param name="Renewed">Session ids retired by <see cref="RenewSessionId"/>.</param>
/// <param name="LastCleanupDuration">How long the last finished cleanup took, its chunks added up; zero before the first.</param>
/// <param name="LastCleanupRemoved">How many sessions the last finished cleanup removed.</param>
public sealed record SessionStats(
    int Count,
    long Created,
    long Expired,
    long Deleted,
    long Evicted,
    long Renewed,
    TimeSpan LastCleanupDuration,
    int LastCleanupRemoved) : ISessionMessage
{
    /// <summary>
    /// The bytes of data held, over every session: keys at two bytes a character plus values, as
    /// <see cref="SessionSettings.MaxSessionBytes"/> counts them. <see cref="SessionSettings.MaxMemory"/>
    /// counts this plus 64 bytes a key and 160 bytes a session.
    /// </summary>
    public long DataBytes { get; init; }
}
