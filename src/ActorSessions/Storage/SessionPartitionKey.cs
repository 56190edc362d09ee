namespace ActorSessions.Storage;

/// <summary>
/// The partition key a store keeps with each row, so that a partition reads, and cleans, only its own rows:
/// the 64-bit hash <see cref="SessionPartitioner"/> reduces to a partition, shifted into <see cref="long"/>'s
/// order. Because the reduction is a multiply-shift (<c>floor(h × P / 2^64)</c>), every partition of every
/// partition count is one contiguous range of keys (<see cref="RangeOf"/>): an index on the key serves any
/// <c>actor-sessions.partitions</c>, and a change of it between runs needs no row rewritten.
/// </summary>
public static class SessionPartitionKey
{
    private const ulong SignBit = 0x8000_0000_0000_0000UL;

    /// <summary>The partition key of the row of session <paramref name="sessionId"/>.</summary>
    /// <param name="sessionId">The session id (any string: a store keys what it is given).</param>
    /// <returns>The hash with its top bit flipped, so that comparing keys as signed integers (as SQL does) orders them as the hash.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sessionId"/> is <see langword="null"/>.</exception>
    public static long Of(string sessionId)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        return (long)(SessionPartitioner.Hash(sessionId) ^ SignBit);
    }

    /// <summary>
    /// The keys of partition <paramref name="partition"/> of <paramref name="partitions"/>, both ends
    /// included: a session belongs to the partition exactly when its key is in the range. The ranges of
    /// the partitions of one count tile every key, in partition order.
    /// </summary>
    /// <param name="partition">The partition, 0 to <paramref name="partitions"/> − 1.</param>
    /// <param name="partitions">How many partitions there are, 1 to <see cref="SessionPartitioner.MaxPartitions"/>.</param>
    /// <returns>The first and the last key of the partition.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitions"/> or <paramref name="partition"/> is out of range.</exception>
    public static (long First, long Last) RangeOf(int partition, int partitions)
    {
        SessionPartitioner.CheckPartitions(partitions, nameof(partitions));
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(partition, partitions);

        // floor(h × P / 2^64) = p exactly when h × P >= p × 2^64 and h × P < (p + 1) × 2^64, that is when
        // ceil(p × 2^64 / P) <= h < ceil((p + 1) × 2^64 / P).
        var first = FirstHashOf(partition, partitions);
        var last = FirstHashOf(partition + 1, partitions) - 1;
        return ((long)((ulong)first ^ SignBit), (long)((ulong)last ^ SignBit));
    }

    private static UInt128 FirstHashOf(int partition, int partitions) =>
        (((UInt128)(ulong)partition << 64) + (ulong)partitions - 1) / (ulong)partitions;
}
