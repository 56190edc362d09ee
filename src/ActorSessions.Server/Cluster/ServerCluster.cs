using ActorSessions.Cluster;
using ActorSessions.Hosting;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

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
            .WithActorSessionsCluster(options => Sessions.ServerSessionStore.Use(options, configuration, requirePostgreSql: true));
    }
}

/// <summary>Healthy while this node is an Up member of the cluster; the data says which members it sees.</summary>
internal sealed class ClusterMembershipHealthCheck(Akka.Actor.ActorSystem system) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        var data = new Dictionary<string, object>
        {
            ["self"] = cluster.SelfAddress.ToString(),
            ["status"] = cluster.SelfMember.Status.ToString(),
            ["members"] = state.Members.Count,
            ["unreachable"] = state.Unreachable.Count,
        };
        return Task.FromResult(cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Up
            ? HealthCheckResult.Healthy($"An Up member of a cluster of {state.Members.Count}.", data)
            : HealthCheckResult.Unhealthy($"Not an Up member of the cluster ({cluster.SelfMember.Status}).", data: data));
    }
}
