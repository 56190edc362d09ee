using System.Diagnostics;
using ActorSessions.Cluster;
using ActorSessions.Storage;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorSessions.Tests.Cluster;

/// <summary>
/// Three actor systems in one process, clustered on 127.0.0.1 (ports chosen by the OS), each with
/// <c>WithActorSessionsCluster</c>: a fast failure detector and the split brain resolver (keep-majority,
/// <c>stable-after = 1s</c>) make a crashed node downed in about two seconds. Every wait is bounded.
/// </summary>
internal sealed class ClusterOfThree : IAsyncDisposable
{
    public const string SystemName = "cluster-spec";

    // A stop is a crash unless a spec runs CoordinatedShutdown itself (a graceful leave).
    private const string Hocon = """
        akka.loglevel = WARNING
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        akka.coordinated-shutdown.exit-clr = off
        akka.cluster.failure-detector.heartbeat-interval = 200ms
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 1s
        akka.cluster.failure-detector.threshold = 8
        akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
        akka.cluster.split-brain-resolver.active-strategy = keep-majority
        akka.cluster.split-brain-resolver.stable-after = 1s
        akka.cluster.sharding.rebalance-interval = 1s
        """;

    private readonly IHost?[] _hosts = new IHost?[3];

    private ClusterOfThree(int partitions, ISessionStore? store)
    {
        Partitions = partitions;
        Store = store;
    }

    public int Partitions { get; }

    public ISessionStore? Store { get; }

    public IActorRef[] Fronts { get; } = new IActorRef[3];

    public ActorSystem[] Systems { get; } = new ActorSystem[3];

    /// <summary>
    /// Starts three nodes and joins the first <paramref name="members"/> of them (the others wait for
    /// <see cref="JoinAsync"/>); returns once the members share the partitions evenly and all are served.
    /// </summary>
    public static async Task<ClusterOfThree> StartAsync(int partitions, ISessionStore? store = null, int members = 3)
    {
        var cluster = new ClusterOfThree(partitions, store);
        try
        {
            for (var i = 0; i < 3; i++)
            {
                await cluster.StartNodeAsync(i);
            }

            var nodes = Enumerable.Range(0, members).ToArray();
            foreach (var node in nodes)
            {
                Akka.Cluster.Cluster.Get(cluster.Systems[node]).Join(cluster.Seed);
            }

            await cluster.MembersUpAsync(members);
            await cluster.AllPartitionsServedAsync(TimeSpan.FromSeconds(20), nodes);

            // Shards asked for before every region registered land on the first nodes; the coordinator
            // rebalances them, and the specs begin once it is done (every member holds its share), so no
            // partition moves while a spec runs but those it moves itself.
            await cluster.EvenlySharedAsync(nodes, TimeSpan.FromSeconds(30));
            await cluster.AllPartitionsServedAsync(TimeSpan.FromSeconds(20), nodes);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private Address Seed => Akka.Cluster.Cluster.Get(Systems[0]).SelfAddress;

    /// <summary>Node <paramref name="node"/>, started but not yet a member, joins the nodes before it; returns once every one of them sees it up.</summary>
    public async Task JoinAsync(int node)
    {
        Akka.Cluster.Cluster.Get(Systems[node]).Join(Seed);
        await MembersUpAsync(node + 1);
    }

    /// <summary>Waits until each of <paramref name="nodes"/> holds its share of the partitions (the share rounded down or up).</summary>
    public async Task EvenlySharedAsync(int[] nodes, TimeSpan within) =>
        await Until(
            async () => (await Task.WhenAll(nodes.Select(PartitionsOrNoneOnAsync))).All(p => p?.Length >= Partitions / nodes.Length && p.Length <= (Partitions + nodes.Length - 1) / nodes.Length),
            within,
            $"nodes {string.Join(",", nodes)} sharing the partitions evenly");

    private async Task MembersUpAsync(int members) =>
        await Until(
            () => Systems.Take(members).All(s => Akka.Cluster.Cluster.Get(s).State.Members.Count(m => m.Status == MemberStatus.Up) == members),
            TimeSpan.FromSeconds(15),
            $"{members} members up");

    /// <summary>Waits until every partition answers through the front of each of <paramref name="nodes"/>; returns how long it took.</summary>
    public async Task<TimeSpan> AllPartitionsServedAsync(TimeSpan within, params int[] nodes)
    {
        try
        {
            return await AllPartitionsAnswerAsync(within, nodes);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} {await DescribeAsync(nodes)}", e);
        }
    }

    /// <summary>What each of <paramref name="nodes"/> sees: the members and their status, and the partitions its region holds.</summary>
    public async Task<string> DescribeAsync(params int[] nodes)
    {
        var lines = new List<string>();
        foreach (var node in nodes)
        {
            var state = Akka.Cluster.Cluster.Get(Systems[node]).State;
            string held;
            try
            {
                held = string.Join(",", await PartitionsOnAsync(node));
            }
            catch (Exception e)
            {
                held = e.GetType().Name;
            }

            lines.Add($"node {node}: members [{string.Join("; ", state.Members.Select(m => $"{m.Address.Port} {m.Status}"))}], unreachable [{string.Join("; ", state.Unreachable.Select(m => m.Address.Port))}], leader {state.Leader?.Port}, holds [{held}]");
        }

        return string.Join(" | ", lines);
    }

    private async Task<TimeSpan> AllPartitionsAnswerAsync(TimeSpan within, int[] nodes)
    {
        var watch = Stopwatch.StartNew();
        await Until(
            async () =>
            {
                foreach (var node in nodes)
                {
                    try
                    {
                        await Fronts[node].Ask<SessionStats>(GetSessionStats.Instance, TimeSpan.FromMilliseconds(500));
                    }
                    catch (Exception e) when (e is TimeoutException or AskTimeoutException or TaskCanceledException)
                    {
                        return false;
                    }
                }

                return true;
            },
            within,
            "every partition answering");
        return watch.Elapsed;
    }

    /// <summary>The partitions node <paramref name="node"/>'s region holds now.</summary>
    /// <remarks>The region asks each of its shards; on two loaded cores that has taken more than 3 seconds.</remarks>
    public async Task<int[]> PartitionsOnAsync(int node)
    {
        var region = ClusterSharding.Get(Systems[node]).ShardRegion(ActorSessionsClusterOptions.DefaultTypeName);
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
        return [.. state.Shards.Select(s => int.Parse(s.ShardId, System.Globalization.CultureInfo.InvariantCulture)).Order()];
    }

    /// <summary>As <see cref="PartitionsOnAsync"/>, or <see langword="null"/> if the region did not answer in time, for a wait to try again.</summary>
    private async Task<int[]?> PartitionsOrNoneOnAsync(int node)
    {
        try
        {
            return await PartitionsOnAsync(node);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    /// <summary>Node <paramref name="node"/>'s readiness check (<c>AddActorSessionsCluster</c>), as its health endpoint would report it.</summary>
    public async Task<HealthReportEntry> ReadinessAsync(int node)
    {
        var report = await _hosts[node]!.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["actor-sessions-cluster"];
    }

    /// <summary>Terminates node <paramref name="node"/>'s actor system without leaving the cluster: a crash.</summary>
    public async Task CrashAsync(int node)
    {
        await Systems[node].Terminate().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Node <paramref name="node"/> leaves the cluster as a planned stop does (CoordinatedShutdown), handing its partitions off.</summary>
    public async Task LeaveAsync(int node)
    {
        await CoordinatedShutdown.Get(Systems[node]).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(TimeSpan.FromSeconds(20));
    }

    public static async Task Until(Func<bool> condition, TimeSpan within, string what) =>
        await Until(() => Task.FromResult(condition()), within, what);

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
                // A crashed node's host has nothing left to stop.
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
        builder.Services.AddAkka(SystemName, akka => akka
            .AddHocon(ConfigurationFactory.ParseString(Hocon), HoconAddMode.Prepend)
            .WithRemoting("127.0.0.1", 0)
            .WithClustering(new ClusterOptions())
            .WithActorSessionsCluster(
                o =>
                {
                    o.Partitions = Partitions;
                    if (Store is { } store)
                    {
                        o.SessionStore = _ => store;
                    }
                },
                c => c.StartPartitionsEvery = TimeSpan.FromMilliseconds(250)));
        builder.Services.AddHealthChecks().AddActorSessionsCluster();
        var host = builder.Build();
        _hosts[i] = host;
        using var start = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await host.StartAsync(start.Token);
        Systems[i] = host.Services.GetRequiredService<ActorSystem>();
        Fronts[i] = await host.Services.GetRequiredService<IRequiredActor<SessionContainer>>().GetAsync(start.Token);
    }
}
