using System.Diagnostics;
using ActorSessions.Cluster;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorSessions.Benchmarks.Cluster;

/// <summary>
/// A cluster of <c>n</c> actor systems in this process, each with <c>WithActorSessionsCluster</c> in memory and
/// the sharding and failure-detector defaults of production: only what a benchmark must change is set (a
/// node's stop ends its actor system and nothing more, and the logs stay quiet).
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private const string Hocon = """
        akka.loglevel = WARNING
        akka.coordinated-shutdown.exit-clr = off
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
        akka.cluster.split-brain-resolver.active-strategy = keep-majority
        """;

    private readonly IHost[] _hosts;

    private LocalCluster(int nodes, int partitions)
    {
        _hosts = new IHost[nodes];
        Fronts = new IActorRef[nodes];
        Systems = new ActorSystem[nodes];
        Partitions = partitions;
    }

    public int Partitions { get; }

    public IActorRef[] Fronts { get; }

    public ActorSystem[] Systems { get; }

    public static async Task<LocalCluster> StartAsync(int nodes, int partitions)
    {
        var cluster = new LocalCluster(nodes, partitions);
        try
        {
            for (var i = 0; i < nodes; i++)
            {
                await cluster.StartNodeAsync(i);
            }

            var seed = Akka.Cluster.Cluster.Get(cluster.Systems[0]).SelfAddress;
            foreach (var system in cluster.Systems)
            {
                Akka.Cluster.Cluster.Get(system).Join(seed);
            }

            await Until(() => Task.FromResult(cluster.Systems.All(s => Akka.Cluster.Cluster.Get(s).State.Members.Count(m => m.Status == MemberStatus.Up) == nodes)), TimeSpan.FromSeconds(30), "members up");
            await Until(cluster.AllPartitionsAnswerAsync, TimeSpan.FromSeconds(30), "every partition answering");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until every node holds its share of the partitions (the coordinator rebalances every 10 s by default).</summary>
    public Task EvenlySharedAsync(TimeSpan within) =>
        Until(
            async () => (await Task.WhenAll(Enumerable.Range(0, Systems.Length).Select(PartitionsOnAsync))).All(p => p.Length >= Partitions / Systems.Length && p.Length <= (Partitions + Systems.Length - 1) / Systems.Length),
            within,
            "the partitions shared evenly");

    public async Task<int[]> PartitionsOnAsync(int node)
    {
        var region = ClusterSharding.Get(Systems[node]).ShardRegion(ActorSessionsClusterOptions.DefaultTypeName);
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        return [.. state.Shards.Select(s => int.Parse(s.ShardId, System.Globalization.CultureInfo.InvariantCulture)).Order()];
    }

    public async Task<bool> AllPartitionsAnswerAsync()
    {
        foreach (var front in Fronts)
        {
            try
            {
                await front.Ask<SessionStats>(GetSessionStats.Instance, TimeSpan.FromSeconds(1));
            }
            catch (Exception e) when (e is TimeoutException or AskTimeoutException or TaskCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Node <paramref name="node"/> leaves as a planned stop does (CoordinatedShutdown), handing its partitions off.</summary>
    public Task LeaveAsync(int node) =>
        CoordinatedShutdown.Get(Systems[node]).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(TimeSpan.FromSeconds(60));

    public static async Task Until(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > within)
            {
                throw new TimeoutException($"Not reached within {within}: {what}.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            if (host is null)
            {
                continue;
            }

            try
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await host.StopAsync(stop.Token);
            }
            catch (Exception)
            {
                // A node that left has nothing left to stop.
            }

            host.Dispose();
        }

        foreach (var system in Systems)
        {
            if (system is not null && !system.WhenTerminated.IsCompleted)
            {
                await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
    }

    private async Task StartNodeAsync(int i)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka("cluster-bench", akka => akka
            .AddHocon(ConfigurationFactory.ParseString(Hocon), HoconAddMode.Prepend)
            .WithRemoting("127.0.0.1", 0)
            .WithClustering(new ClusterOptions())
            .WithActorSessionsCluster(o => o.Partitions = Partitions));
        var host = builder.Build();
        _hosts[i] = host;
        using var start = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(start.Token);
        Systems[i] = host.Services.GetRequiredService<ActorSystem>();
        Fronts[i] = await host.Services.GetRequiredService<IRequiredActor<SessionContainer>>().GetAsync(start.Token);
    }
}
