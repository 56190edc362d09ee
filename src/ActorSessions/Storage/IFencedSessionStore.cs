namespace ActorSessions.Storage;

/// <summary>
/// A store that fences its writers: each partition of the sessions has an epoch, a writer takes a
/// partition by raising it, and a commit under an older epoch is refused, so a stale copy of a
/// partition (a node cut off but not yet downed, a second process on the same database) can never
/// overwrite a session.
/// </summary>
public interface IFencedSessionStore : ISessionStore
{
    /// <summary>
    /// Takes partition <paramref name="partition"/> for a new writer: raises its epoch by one in one short
    /// transaction (creating the row at 1 if absent) and returns the new epoch.
    /// </summary>
    Task<long> TakePartitionAsync(int partition, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="ISessionStore.CommitAsync"/>, in the same transaction as a check that the partition's
    /// epoch is still <paramref name="epoch"/>; if it is not, nothing is written and
    /// <see cref="SessionStoreFencedException"/> is thrown.
    /// </summary>
    Task CommitAsync(int partition, long epoch, IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken);
}
