using ActorSessions.Hosting;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;

namespace ActorSessions.Cluster;

/// <summary>Runs the session partitions on Akka.Cluster.Sharding, for a farm of nodes that serve one set of sessions.</summary>
public static class AkkaActorSessionsClusterHostingExtensions
{
    /// <summary>
    /// Starts a shard region in which each partition (<c>actor-sessions.partitions</c>) is one shard with one
    /// <see cref="SessionContainer"/>, and registers under <see cref="SessionContainer"/> in the
    /// <see cref="ActorRegistry"/> a front that callers use exactly as one container (<c>SessionClient</c>,
    /// <c>Ask</c>, <c>Tell</c>). The actor system must be a cluster member: call <c>WithClustering</c>
    /// (Akka.Cluster.Hosting) with the remoting, seed nodes and a split brain resolver (keep-majority).
    /// </summary>
    /// <param name="builder">The actor system's builder.</param>
    /// <param name="configure">The sessions' options, as for <c>WithActorSessions</c>; <c>Partitions</c> is how many shards there are.</param>
    /// <param name="cluster">How the partitions run over the cluster.</param>
    public static AkkaConfigurationBuilder WithActorSessionsCluster(
        this AkkaConfigurationBuilder builder,
        Action<ActorSessionsOptions>? configure = null,
        Action<ActorSessionsClusterOptions>? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ActorSessionsOptions();
        configure?.Invoke(options);
        var clusterOptions = new ActorSessionsClusterOptions();
        cluster?.Invoke(clusterOptions);
        return builder.WithActorSessionsCluster(options, clusterOptions);
    }

    /// <summary>
    /// As <see cref="WithActorSessionsCluster(AkkaConfigurationBuilder, Action{ActorSessionsOptions}?, Action{ActorSessionsClusterOptions}?)"/>, with
    /// <paramref name="options"/> as they are and the cluster's own in <paramref name="cluster"/>.
    /// </summary>
    /// <remarks>
    /// <para>The sharding settings the design requires are fixed here, not left to chance: the coordinator's
    /// state in distributed data (<c>state-store-mode = ddata</c>), remember-entities off, idle passivation
    /// off (a partition holds sessions for longer than any idle time), and a hand-off stop message with
    /// which a container moving to another node first answers every write in flight. A keeper on every node
    /// starts every partition every <see cref="ActorSessionsClusterOptions.StartPartitionsEvery"/>.</para>
    /// <para>A store, when configured, is shared by the partitions of the node: each recovers its own rows,
    /// and takes its partition's epoch in the store, so a stale copy elsewhere can no longer write.</para>
    /// </remarks>
    public static AkkaConfigurationBuilder WithActorSessionsCluster(this AkkaConfigurationBuilder builder, ActorSessionsOptions options, ActorSessionsClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cluster);
        var every = cluster.StartPartitionsEvery ?? TimeSpan.FromSeconds(1);
        if (every <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(cluster), every, "StartPartitionsEvery must be positive.");
        }

        AkkaActorSessionsHostingExtensions.AddConfiguration(builder, options);
        builder.AddSetup(new ActorSessionsClusterSetup(cluster.Role));

        // Made by the region's entity factory, once, and used by the front after it: one store per node.
        Node? node = null;
        builder.WithShardRegion<SessionPartitions>(
            cluster.TypeName ?? ActorSessionsClusterOptions.DefaultTypeName,
            (system, _, resolver) =>
            {
                var (container, client) = AkkaActorSessionsHostingExtensions.CreateContainerOptions(system, resolver, options);
                node = new Node(container, client);
                return entityId => SessionContainer.Props(container with { Partition = int.Parse(entityId, System.Globalization.CultureInfo.InvariantCulture) });
            },
            new SessionPartitionExtractor(),
            new ShardOptions
            {
                Role = cluster.Role,
                StateStoreMode = StateStoreMode.DData,
                RememberEntities = false,
                ShouldPassivateIdleEntities = false,
                HandOffStopMessage = StopPartition.Instance,
            });
        builder.WithActors((system, registry, _) =>
        {
            var (container, client) = node ?? throw new InvalidOperationException("The session partitions' shard region did not start.");
            var partitions = container.Settings.Partitions;
            var region = registry.Get<SessionPartitions>();
            var front = system.ActorOf(
                ClusterSessionFront.Props(region, partitions, client.RequestTimeout * 2),
                options.ActorName ?? ActorSessionsOptions.DefaultActorName);
            system.ActorOf(PartitionKeeper.Props(region, partitions, every), "session-partition-keeper");
            registry.Register<SessionContainer>(front);
            if (container.Store is { } store)
            {
                SessionStoreLifetime.Attach(system, front, store, client.RequestTimeout, flushOnShutdown: false);
            }
        });
        return builder;
    }

    private sealed record Node(SessionContainerOptions Container, SessionClientSettings Client);
}
