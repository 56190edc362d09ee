namespace ActorSessions.Storage;

/// <summary>A commit refused because another writer took the partition (its epoch is higher).</summary>
public sealed class SessionStoreFencedException : Exception
{
    /// <summary>Creates the exception for a commit under <paramref name="heldEpoch"/> of a partition now at <paramref name="currentEpoch"/>.</summary>
    public SessionStoreFencedException(int partition, long heldEpoch, long currentEpoch)
        : base($"Partition {partition} of the sessions was taken by another writer (epoch {currentEpoch}, this writer held {heldEpoch}); nothing was written.")
    {
        Partition = partition;
        HeldEpoch = heldEpoch;
        CurrentEpoch = currentEpoch;
    }

    /// <summary>The partition.</summary>
    public int Partition { get; }

    /// <summary>The epoch the refused writer held.</summary>
    public long HeldEpoch { get; }

    /// <summary>The partition's epoch now.</summary>
    public long CurrentEpoch { get; }
}
