namespace ActorSessions;

/// <summary>The answer to <see cref="GetPartitionStats"/>: each partition's figures and where it runs.</summary>
/// <param name="Partitions">One entry a partition, in partition order.</param>
public sealed record PartitionStatsReport(IReadOnlyList<PartitionStats> Partitions) : ISessionMessage;
