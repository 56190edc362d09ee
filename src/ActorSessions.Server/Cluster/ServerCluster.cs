using ActorSessions.Cluster;
using ActorSessions.Hosting;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace ActorSessions.Server.Cluster;

/// <summary>
/// The server's cluster mode, from .NET configuration: with <c>ActorSessions:Cluster:Port</c> (or
/// <c>SeedNodes</c>) set, the actor system joins a cluster and the sessions' partitions run on
/// Akka.Cluster.Sharding across its nodes, over one shared PostgreSQL database (SQLite is one machine's
/// file, so cluster mode refuses it).
/// </summary>
internal static class ServerCluster
{
    public const string Section = "ActorSessions:Cluster";

    /// <summary>The name of the cluster's check in <c>/healthz</c>.</summary>
    public const string HealthCheckName = "cluster";

    /// <summary>
    /// Partitions when <c>ActorSessions:Cluster:Partitions</c> is not set: the unit a cluster spreads over its
    /// nodes, enough for a farm of up to 30 nodes (each holds a partition at least), few enough that a node
    /// recovering a share of them starts quickly. Every node must use the same number.
    /// </summary>
    public const int DefaultPartitions = 30;

    /// <summary>
    /// The Split Brain Resolver's <c>stable-after</c> when <c>ActorSessions:Cluster:StableAfter</c> is not set:
    /// how long membership must be still before an unreachable node is downed and its partitions move. Akka's
    /// 20 s kept a crashed node's sessions unserved for about 50 s (measured, docs/SCALING.md); a wrong
    /// decision after a shorter wait costs a node's restart, never a write, since the store fences a stale copy.
    /// </summary>
    public static readonly TimeSpan DefaultStableAfter = TimeSpan.FromSeconds(2);

    /// <summary>Whether the configuration asks for a cluster.</summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{Section}:Port"]) || !string.IsNullOrWhiteSpace(configuration[$"{Section}:SeedNodes"]);

    /// <summary>Remoting, clustering with keep-majority downing, and the sessions' shard region.</summary>
    public static void Use(AkkaConfigurationBuilder akka, IConfiguration configuration)
    {
        var hostname = configuration[$"{Section}:Hostname"] is { Length: > 0 } h ? h : "127.0.0.1";
        var port = configuration.GetValue<int?>($"{Section}:Port") ?? 4053;
        var seeds = (configuration[$"{Section}:SeedNodes"] ?? string.Empty)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var stableAfter = configuration.GetValue<TimeSpan?>($"{Section}:StableAfter") ?? DefaultStableAfter;

        // Keep-majority: after a partition of the network, the side with most nodes stays; the other downs itself.
        akka.AddHocon(
            $"""
            akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            akka.cluster.split-brain-resolver.active-strategy = keep-majority
            akka.cluster.split-brain-resolver.stable-after = {(long)stableAfter.TotalMilliseconds}ms
            """,
            HoconAddMode.Prepend);

        // After a node is downed, sharding (and the coordinator's singleton) waits this margin before it starts
        // the node's partitions elsewhere; without it the margin is stable-after again. The margin is there so
        // that the other side of a network split has stopped its copies first; here the store's epoch already
        // refuses every commit of a stale copy (docs/SCALING.md), so a short one is safe. The server's HOCON
        // can set it (a fallback, not an override).
        akka.AddHocon("akka.cluster.down-removal-margin = 500ms", HoconAddMode.Append);
        akka.WithRemoting(hostname, port)
            .WithClustering(new ClusterOptions { SeedNodes = seeds.Length > 0 ? seeds : [$"akka.tcp://{SessionServer.ActorSystemName}@{hostname}:{port}"] })
            .WithActorSessionsCluster(options =>
            {
                options.Partitions = configuration.GetValue<int?>($"{Section}:Partitions") ?? DefaultPartitions;
                Sessions.ServerSessionStore.Use(options, configuration, requirePostgreSql: true);
            });
    }
}
