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
        var stableAfter = configuration.GetValue<TimeSpan?>($"{Section}:StableAfter") ?? TimeSpan.FromSeconds(20);

        // Keep-majority: after a partition of the network, the side with most nodes stays; the other downs itself.
        akka.AddHocon(
            $"""
            akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            akka.cluster.split-brain-resolver.active-strategy = keep-majority
            akka.cluster.split-brain-resolver.stable-after = {(long)stableAfter.TotalMilliseconds}ms
            """,
            HoconAddMode.Prepend);
        akka.WithRemoting(hostname, port)
            .WithClustering(new ClusterOptions { SeedNodes = seeds.Length > 0 ? seeds : [$"akka.tcp://{SessionServer.ActorSystemName}@{hostname}:{port}"] })
            .WithActorSessionsCluster(options =>
            {
                options.Partitions = configuration.GetValue<int?>($"{Section}:Partitions") ?? DefaultPartitions;
                Sessions.ServerSessionStore.Use(options, configuration, requirePostgreSql: true);
            });
    }
}
