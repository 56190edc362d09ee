namespace ActorSessions.Cluster;

/// <summary>The <see cref="Akka.Hosting.ActorRegistry"/> key of the partitions' shard region, for what asks the partitions directly (readiness).</summary>
internal sealed class SessionPartitions;
