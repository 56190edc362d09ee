namespace ActorSessions.Storage;

/// <summary>
/// A store that fences its writers: each partition of the sessions has an epoch, a writer takes a
/// partition by raising it, and a commit under an older epoch is refused, so a stale copy of a partition
/// (a node cut off but not yet downed, a second process on the same database) can never overwrite a session.
/// </summary>
/// <remarks>
/// The epochs are kept in the store itself, beside the sessions, so the check and the writes are one
/// transaction: no writer can be told its commit landed after another writer took the partition. The
/// un-fenced <see cref="ISessionStore.CommitAsync"/> stays for callers that do not fence; it ignores epochs.
/// Each row carries its <see cref="SessionPartitionKey"/>, so a partition's recovery
/// (<see cref="LoadAsync(int, int, DateTimeOffset, CancellationToken)"/>) and cleanup
/// (<see cref="DeleteExpiredAsync(int, int, long, DateTimeOffset, int, CancellationToken)"/>) read only its own
/// rows, whatever the partition count: the un-fenced <see cref="ISessionStore.LoadAsync"/> and
/// <see cref="ISessionStore.DeleteExpiredAsync"/> still cover every row.
/// </remarks>
public interface IFencedSessionStore : ISessionStore
{
    /// <summary>
    /// Takes partition <paramref name="partition"/> for a new writer: raises its epoch by one in one short
    /// transaction (creating the row at 1 if absent) and returns the new epoch. From then on, a commit
    /// under any lower epoch is refused; one that was in flight either landed before the take or is refused.
    /// </summary>
    /// <param name="partition">The partition to take.</param>
    /// <param name="cancellationToken">Cancels the take.</param>
    /// <returns>The epoch the new writer holds: 1 the first time the partition is taken, then 2, 3, ...</returns>
    Task<long> TakePartitionAsync(int partition, CancellationToken cancellationToken);

    /// <summary>
    /// Takes partition <paramref name="partition"/> of <paramref name="partitions"/> for a new writer, as
    /// <see cref="TakePartitionAsync(int, CancellationToken)"/> does, and also raises the epoch of every other
    /// partition last taken under another count, in the same transaction. A partition of one count overlaps
    /// partitions of another (partition 0 of 1 holds every session, partition 1 of 2 half of them): while a
    /// count changes, one node at a time, a writer of the old count is fenced at its next commit instead of
    /// writing sessions that a writer of the new count also holds.
    /// </summary>
    /// <param name="partition">The partition to take.</param>
    /// <param name="partitions">How many partitions there are, for this writer.</param>
    /// <param name="cancellationToken">Cancels the take.</param>
    /// <returns>The epoch the new writer holds.</returns>
    /// <remarks>
    /// A partition last taken without a count (by <see cref="TakePartitionAsync(int, CancellationToken)"/>, or
    /// by a version that kept none) is taken to have this count: a rolling upgrade of nodes of one count must
    /// not fence every partition that the nodes not yet upgraded hold. Such a writer is fenced only by a take
    /// of its own partition, as before counts were kept. The default takes the partition alone, as a store
    /// that keeps no count does.
    /// </remarks>
    Task<long> TakePartitionAsync(int partition, int partitions, CancellationToken cancellationToken) =>
        TakePartitionAsync(partition, cancellationToken);

    /// <summary>
    /// As <see cref="ISessionStore.CommitAsync"/>, in the same transaction as a check that the epoch of
    /// <paramref name="partition"/> is still <paramref name="epoch"/>; if it is not, nothing is written and
    /// <see cref="SessionStoreFencedException"/> is thrown.
    /// </summary>
    /// <param name="partition">The partition the writes belong to.</param>
    /// <param name="epoch">The epoch <see cref="TakePartitionAsync(int, int, CancellationToken)"/> returned to this writer.</param>
    /// <param name="writes">The writes, as for <see cref="ISessionStore.CommitAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the commit.</param>
    /// <exception cref="SessionStoreFencedException">The partition's epoch is no longer <paramref name="epoch"/>: another writer took it.</exception>
    Task CommitAsync(int partition, long epoch, IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="ISessionStore.LoadAsync"/>, for the rows of partition <paramref name="partition"/> of
    /// <paramref name="partitions"/> only (<see cref="SessionPartitioner.PartitionOf(string, int)"/>), read by
    /// their <see cref="SessionPartitionKey"/> so that the other partitions' rows are not read at all.
    /// </summary>
    /// <param name="partition">The partition to read.</param>
    /// <param name="partitions">How many partitions there are now; rows written under another count are found by the partition they hash to now.</param>
    /// <param name="now">Rows that have expired at this time are left out.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    IAsyncEnumerable<SessionRecord> LoadAsync(int partition, int partitions, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="ISessionStore.DeleteExpiredAsync"/>, for the rows of partition <paramref name="partition"/>
    /// of <paramref name="partitions"/> only, in the same transaction as a check that the partition's epoch
    /// is still <paramref name="epoch"/>: a stale copy of the partition deletes nothing.
    /// </summary>
    /// <param name="partition">The partition to clean.</param>
    /// <param name="partitions">How many partitions there are now.</param>
    /// <param name="epoch">The epoch <see cref="TakePartitionAsync(int, int, CancellationToken)"/> returned to this writer.</param>
    /// <param name="before">Rows that expired before this time are deleted.</param>
    /// <param name="limit">The most rows one call deletes (at least 1).</param>
    /// <param name="cancellationToken">Cancels the cleanup.</param>
    /// <returns>How many rows were deleted; the caller calls again while it is <paramref name="limit"/>.</returns>
    /// <exception cref="SessionStoreFencedException">The partition's epoch is no longer <paramref name="epoch"/>: nothing was deleted.</exception>
    Task<int> DeleteExpiredAsync(int partition, int partitions, long epoch, DateTimeOffset before, int limit, CancellationToken cancellationToken);
}
