using System.Collections.Concurrent;
using System.Diagnostics;
using ActorSessions.Tests.TestSupport;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace ActorSessions.Tests.Cluster;

/// <summary>
/// Three clustered actor systems in one process, each with <c>WithActorSessionsCluster</c>: sessions made
/// through one node are served by every node, a crashed node's partitions are served again by the others,
/// and a graceful leave loses no acknowledged write.
/// </summary>
[Collection(ClusterSpecs.Name)]
public sealed class SessionClusterSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Partitions = 9;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private ClusterOfThree? _cluster;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_thousand_sessions_made_through_one_node_round_trip_from_every_node()
    {
        _cluster = await ClusterOfThree.StartAsync(Partitions);

        var ids = await CreateAsync(_cluster.Fronts[0], 1_000);

        for (var node = 0; node < 3; node++)
        {
            var front = _cluster.Fronts[node];
            var found = await Task.WhenAll(ids.Select(id => front.Ask<object>(new GetSession(id), Timeout)));
            Assert.All(found.Zip(ids), pair => Assert.Equal(ValueOf(pair.Second), Value(Assert.IsType<SessionFound>(pair.First).Session)));
        }
    }

    [Fact]
    public async Task The_partitions_of_a_crashed_node_are_served_again_by_the_others()
    {
        _cluster = await ClusterOfThree.StartAsync(Partitions);
        var ids = await CreateAsync(_cluster.Fronts[0], 300);
        var lost = await _cluster.PartitionsOnAsync(2);
        Assert.NotEmpty(lost);
        var ready = await Task.WhenAll(Enumerable.Range(0, 3).Select(_cluster.ReadinessAsync));

        await _cluster.CrashAsync(2);
        var unready = await _cluster.ReadinessAsync(0);
        var served = await _cluster.AllPartitionsServedAsync(TimeSpan.FromSeconds(30), 0, 1);
        output.WriteLine($"In memory: {lost.Length} of {Partitions} partitions lost with the node, every partition served again {served.TotalMilliseconds:F0} ms after the crash.");
        await ClusterOfThree.Until(async () => (await _cluster.ReadinessAsync(1)).Status == HealthStatus.Healthy, TimeSpan.FromSeconds(10), "node 1 ready again");

        // Ready while all were there, each holding its share; not ready while the crashed node's partitions do not answer.
        Assert.All(ready, r => Assert.Equal(HealthStatus.Healthy, r.Status));
        Assert.Equal(string.Join(',', lost), ready[2].Data["heldPartitions"]);
        Assert.Equal(3, ready[0].Data["regions"]);
        Assert.Equal(HealthStatus.Unhealthy, unready.Status);
        Assert.Equal(Partitions - lost.Length, unready.Data["answering"]);

        // In memory, what the lost partitions held is gone; the others still hold theirs.
        foreach (var id in ids)
        {
            var reply = await _cluster.Fronts[1].Ask<object>(new GetSession(id), Timeout);
            if (lost.Contains(SessionPartitioner.PartitionOf(id, Partitions)))
            {
                Assert.IsType<SessionNotFound>(reply);
            }
            else
            {
                Assert.Equal(ValueOf(id), Value(Assert.IsType<SessionFound>(reply).Session));
            }
        }
    }

    [Fact]
    public async Task With_a_shared_store_every_acknowledged_write_survives_a_crashed_node()
    {
        var store = new FencedFakeStore(new FakeSessionStore());
        _cluster = await ClusterOfThree.StartAsync(Partitions, store);
        var ids = await CreateAsync(_cluster.Fronts[0], 300);
        var lost = await _cluster.PartitionsOnAsync(2);
        Assert.NotEmpty(lost);

        await _cluster.CrashAsync(2);
        var served = await _cluster.AllPartitionsServedAsync(TimeSpan.FromSeconds(30), 0, 1);
        output.WriteLine($"Shared store: {lost.Length} of {Partitions} partitions lost with the node, every partition served again (recovered from the store) {served.TotalMilliseconds:F0} ms after the crash.");

        var found = await Task.WhenAll(ids.Select(id => _cluster.Fronts[1].Ask<object>(new GetSession(id), Timeout)));
        Assert.All(found.Zip(ids), pair => Assert.Equal(ValueOf(pair.Second), Value(Assert.IsType<SessionFound>(pair.First).Session)));

        // The partitions that moved were taken anew: their epoch rose past the crashed copy's.
        Assert.All(lost, p => Assert.True(store.EpochOf(p) >= 2, $"partition {p} has epoch {store.EpochOf(p)}"));
    }

    [Fact]
    public async Task A_graceful_leave_loses_no_acknowledged_write()
    {
        var store = new FencedFakeStore(new FakeSessionStore());
        _cluster = await ClusterOfThree.StartAsync(Partitions, store);
        var ids = await CreateAsync(_cluster.Fronts[0], 100);
        var acknowledged = new ConcurrentDictionary<string, long>();
        var failed = 0;
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();

        // One writer per session, through the nodes that stay, each write a higher number.
        var writers = ids.Select((id, i) => Task.Run(async () =>
        {
            var front = _cluster.Fronts[i % 2];
            for (long n = 1; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    var reply = await front.Ask<object>(new UpdateSession(id, SessionData.Empty.SetItem("n", [.. BitConverter.GetBytes(n)])), Timeout);
                    if (reply is SessionSaved)
                    {
                        acknowledged[id] = n;
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                        failures.Enqueue(reply is Status.Failure f ? f.Cause.GetType().Name : reply.GetType().Name);
                    }
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failed);
                    failures.Enqueue(e.GetType().Name);
                }

                await Task.Delay(10);
            }
        })).ToArray();

        await ClusterOfThree.Until(() => acknowledged.Count == ids.Length, TimeSpan.FromSeconds(10), "a write acknowledged for every session");
        var moved = await _cluster.PartitionsOnAsync(2);
        var watch = Stopwatch.StartNew();
        await _cluster.LeaveAsync(2);
        var left = watch.Elapsed;
        await _cluster.AllPartitionsServedAsync(TimeSpan.FromSeconds(20), 0, 1);
        var served = watch.Elapsed;
        await Task.Delay(300);
        stop.Cancel();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(15));
        output.WriteLine($"Graceful leave of a node with {moved.Length} of {Partitions} partitions: left in {left.TotalMilliseconds:F0} ms, all partitions served {served.TotalMilliseconds:F0} ms after it began; {acknowledged.Values.Sum()} writes acknowledged, {failed} not ({string.Join(", ", failures.GroupBy(f => f).Select(g => $"{g.Count()} {g.Key}"))}).");

        foreach (var id in ids)
        {
            var session = Assert.IsType<SessionFound>(await _cluster.Fronts[0].Ask<object>(new GetSession(id), Timeout)).Session;
            Assert.True(session.Data.TryGetValue("n", out var bytes), id);
            Assert.True(BitConverter.ToInt64(bytes.AsSpan()) >= acknowledged[id], $"{id}: stored {BitConverter.ToInt64(bytes.AsSpan())}, acknowledged {acknowledged[id]}");
        }
    }

    [Fact]
    public async Task Batches_and_figures_reach_every_partition_across_the_cluster()
    {
        _cluster = await ClusterOfThree.StartAsync(Partitions);
        var ids = await CreateAsync(_cluster.Fronts[0], 50);

        var handled = await _cluster.Fronts[1].Ask<SessionBatchHandled>(new SessionBatch([.. ids.Select(id => (ISessionRequest)new GetSession(id))]), Timeout);
        var stats = await _cluster.Fronts[2].Ask<SessionStats>(GetSessionStats.Instance, Timeout);
        var report = await _cluster.Fronts[1].Ask<PartitionStatsReport>(GetPartitionStats.Instance, Timeout);
        var held = await Task.WhenAll(Enumerable.Range(0, 3).Select(_cluster.PartitionsOnAsync));

        Assert.All(handled.Replies.Zip(ids), pair => Assert.Equal(pair.Second, Assert.IsType<SessionFound>(pair.First).Session.Id));
        Assert.Equal(50, stats.Count);

        // Each partition's own figures, and the node it runs on: the one whose region holds it.
        Assert.Equal(Enumerable.Range(0, Partitions), report.Partitions.Select(p => p.Partition));
        Assert.Equal(50, report.Partitions.Sum(p => p.Stats.Count));
        for (var node = 0; node < 3; node++)
        {
            var address = Akka.Cluster.Cluster.Get(_cluster.Systems[node]).SelfAddress.ToString();
            Assert.Equal(held[node], report.Partitions.Where(p => p.Node == address).Select(p => p.Partition));
        }
    }

    private static async Task<string[]> CreateAsync(IActorRef front, int count)
    {
        var ids = new List<string>(count);
        for (var done = 0; done < count; done += 100)
        {
            var batch = Enumerable.Range(done, Math.Min(100, count - done))
                .Select(i => front.Ask<SessionOpened>(new CreateSession(SessionData.Empty.SetItem("v", [(byte)(i % 251)])), Timeout));
            foreach (var opened in await Task.WhenAll(batch))
            {
                ids.Add(opened.Session.Id);
            }
        }

        // Each id's value is its creation index mod 251, recorded here by id.
        for (var i = 0; i < ids.Count; i++)
        {
            Values[ids[i]] = (byte)(i % 251);
        }

        return [.. ids];
    }

    private static readonly ConcurrentDictionary<string, byte> Values = new();

    private static byte ValueOf(string id) => Values[id];

    private static byte Value(Session session) => session.Data.TryGetValue("v", out var v) ? v[0] : throw new Xunit.Sdk.XunitException($"{session.Id} has no value");
}

/// <summary>The cluster specs run one at a time: each binds three actor systems on the two shared cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterSpecs
{
    public const string Name = "cluster";
}
