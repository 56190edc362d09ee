using Akka.Cluster.Sharding;

namespace ActorSessions.Cluster;

/// <summary>
/// Each partition is one shard with one entity, both named by the partition's number: the front wraps a
/// message in a <see cref="PartitionEnvelope"/>. The keeper's <see cref="ShardRegion.StartEntity"/> names
/// the partition it starts, and the region maps it itself (through <see cref="ShardId(string, object?)"/>).
/// </summary>
internal sealed class SessionPartitionExtractor : IMessageExtractor
{
    // The names of the first partitions, made once: most clusters have fewer.
    private static readonly string[] Names = Enumerable.Range(0, 1024).Select(Format).ToArray();

    /// <summary>A partition's shard and entity id.</summary>
    public static string NameOf(int partition) => (uint)partition < (uint)Names.Length ? Names[partition] : Format(partition);

    public string? EntityId(object message) => message switch
    {
        PartitionEnvelope { Partition: >= 0 and var p } => NameOf(p),
        _ => null,
    };

    public object? EntityMessage(object message) => message is PartitionEnvelope envelope ? envelope.Message : message;

    public string? ShardId(object message) => EntityId(message);

    public string ShardId(string entityId, object? messageHint = null) => entityId;

    private static string Format(int partition) => partition.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
