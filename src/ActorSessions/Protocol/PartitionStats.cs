namespace ActorSessions;

/// <summary>One partition's figures in a <see cref="PartitionStatsReport"/>, and where it runs.</summary>
/// <param name="Partition">The partition, <c>[0, P)</c>.</param>
/// <param name="Node">
/// The address of the actor system that runs the partition's container: <c>akka.tcp://system@host:port</c>
/// in a cluster, <c>akka://system</c> in a process without remoting.
/// </param>
/// <param name="Stats">The partition's figures, as <see cref="GetSessionStats"/> gives them for one container.</param>
public sealed record PartitionStats(int Partition, string Node, SessionStats Stats);
