namespace ActorSessions.Cluster;

/// <summary>
/// How <see cref="AkkaActorSessionsClusterHostingExtensions.WithActorSessionsCluster(Akka.Hosting.AkkaConfigurationBuilder, ActorSessions.Hosting.ActorSessionsOptions, ActorSessionsClusterOptions)"/>
/// runs the partitions over the cluster. A property left <see langword="null"/> keeps its default.
/// </summary>
public sealed class ActorSessionsClusterOptions
{
    /// <summary>The default shard type name of the partitions.</summary>
    public const string DefaultTypeName = "actor-sessions";

    /// <summary>The shard type name of the partitions (the region's name); every node of the cluster must use the same.</summary>
    /// <value><c>actor-sessions</c>.</value>
    public string? TypeName { get; set; }

    /// <summary>The cluster role of the nodes that hold partitions; <see langword="null"/> for every node.</summary>
    public string? Role { get; set; }

    /// <summary>
    /// How often every node asks the region to start every partition, so a partition lost with its node is
    /// started again on another without waiting for a request to it.
    /// </summary>
    /// <value>1 second.</value>
    public TimeSpan? StartPartitionsEvery { get; set; }
}
