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
    /// As <see cref="ISessionStore.CommitAsync"/>, in the same transaction as a check that the epoch of
    /// <paramref name="partition"/> is still <paramref name="epoch"/>; if it is not, nothing is written and
    /// <see cref="SessionStoreFencedException"/> is thrown.
    /// </summary>
    /// <param name="partition">The partition the writes belong to.</param>
    /// <param name="epoch">The epoch <see cref="TakePartitionAsync"/> returned to this writer.</param>
    /// <param name="writes">The writes, as for <see cref="ISessionStore.CommitAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the commit.</param>
    /// <exception cref="SessionStoreFencedException">The partition's epoch is no longer <paramref name="epoch"/>: another writer took it.</exception>
    Task CommitAsync(int partition, long epoch, IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken);
}
