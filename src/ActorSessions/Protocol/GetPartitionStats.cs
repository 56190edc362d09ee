namespace ActorSessions;

/// <summary>
/// Asks for the figures of every partition on its own, and where each runs. Answered with a
/// <see cref="PartitionStatsReport"/>: one <see cref="PartitionStats"/> a partition, in partition order.
/// <see cref="GetSessionStats"/> is their sum.
/// </summary>
/// <remarks>
/// A single container (<c>actor-sessions.partitions = 1</c>) answers with its one partition, 0. The local
/// router and the cluster's front ask every partition and answer once all have; a partition that fails
/// fails the answer, as for <see cref="GetSessionStats"/>.
/// </remarks>
public sealed record GetPartitionStats : ISessionMessage
{
    /// <summary>The one instance; the message carries no data.</summary>
    public static GetPartitionStats Instance { get; } = new();

    private GetPartitionStats()
    {
    }
}
