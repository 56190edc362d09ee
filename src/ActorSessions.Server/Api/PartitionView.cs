namespace ActorSessions.Server.Api;

/// <summary>One partition's figures as <c>GET /api/stats/partitions</c> returns them, and the node it runs on.</summary>
/// <param name="Partition">The partition, <c>[0, P)</c>.</param>
/// <param name="Node">The Akka address of the node that runs it (in a single process, the actor system's).</param>
/// <param name="Stats">Its figures, as <c>GET /api/stats</c> gives the sum.</param>
internal sealed record PartitionView(int Partition, string Node, ContainerStats Stats)
{
    public static PartitionView From(PartitionStats partition) => new(partition.Partition, partition.Node, ContainerStats.From(partition.Stats));
}
