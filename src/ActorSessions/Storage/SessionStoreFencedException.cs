using System.Globalization;

namespace ActorSessions.Storage;

/// <summary>
/// A commit or a cleanup refused because another writer took the partition (its epoch is higher): the writer
/// that got it holds a stale copy of the partition and must stop writing it. Nothing of it was written.
/// </summary>
/// <remarks>Thrown by <see cref="IFencedSessionStore.CommitAsync"/> and <see cref="IFencedSessionStore.DeleteExpiredAsync"/>. Retrying under the same epoch can never succeed.</remarks>
public sealed class SessionStoreFencedException : Exception
{
    /// <summary>Creates the exception; its message names the partition and both epochs (never a session id).</summary>
    /// <param name="partition">The partition of the refused write.</param>
    /// <param name="heldEpoch">The epoch the refused writer held.</param>
    /// <param name="currentEpoch">The partition's epoch in the store (0 when it was never taken).</param>
    public SessionStoreFencedException(int partition, long heldEpoch, long currentEpoch)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"A write to partition {partition} under epoch {heldEpoch} was refused: the partition's epoch in the store is {currentEpoch}, so another writer holds it. Nothing was written."))
    {
        Partition = partition;
        HeldEpoch = heldEpoch;
        CurrentEpoch = currentEpoch;
    }

    /// <summary>The partition of the refused write.</summary>
    public int Partition { get; }

    /// <summary>The epoch the refused writer held.</summary>
    public long HeldEpoch { get; }

    /// <summary>The partition's epoch in the store when the commit was refused (0 when it was never taken).</summary>
    public long CurrentEpoch { get; }
}
