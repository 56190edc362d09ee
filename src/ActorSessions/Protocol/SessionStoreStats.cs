namespace ActorSessions;

/// <summary>The answer to <see cref="GetSessionStoreStats"/>: how the container's store is doing.</summary>
/// <param name="HasStore">Whether the container has a store at all; every other figure is zero without one.</param>
/// <param name="Available">Whether writes are accepted; <see langword="false"/> after a failure until a probe succeeds.</param>
/// <param name="Commits">Transactions committed since the container started.</param>
/// <param name="WritesCommitted">Row writes those transactions carried (group commit: many per transaction).</param>
/// <param name="FailedCommits">Transactions that failed.</param>
/// <param name="Probes">How many times the container probed a store that had failed (with backoff).</param>
/// <param name="PendingWrites">Writes not yet committed: in flight, queued, and touches waiting to be written behind.</param>
/// <param name="RecoveredSessions">Sessions recovered from the store when the container started.</param>
/// <param name="UnreadableRows">Rows skipped at recovery because they could not be read.</param>
/// <param name="RecoveryDuration">How long recovery took.</param>
/// <param name="LastFailure">The last store error's message, or <see langword="null"/>.</param>
public sealed record SessionStoreStats(
    bool HasStore,
    bool Available,
    long Commits,
    long WritesCommitted,
    long FailedCommits,
    long Probes,
    int PendingWrites,
    int RecoveredSessions,
    int UnreadableRows,
    TimeSpan RecoveryDuration,
    string? LastFailure) : ISessionMessage;
