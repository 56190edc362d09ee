namespace ActorSessions;

/// <summary>
/// A message for one partition, as the cluster front sends it to the shard region: the region reads the
/// partition (the shard and its one entity) and hands the container <see cref="Message"/> alone.
/// </summary>
/// <param name="Partition">The partition, <c>[0, P)</c>.</param>
/// <param name="Message">A message of the protocol (a request, a batch, a request about the whole container).</param>
internal sealed record PartitionEnvelope(int Partition, ISessionMessage Message) : ISessionMessage;
