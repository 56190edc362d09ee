using System.Collections.Concurrent;
using System.Diagnostics;
using ActorSessions.Tests.TestSupport;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace ActorSessions.Tests.Cluster;

/// <summary>
/// Three clustered actor systems in one process, each with <c>WithActorSessionsCluster</c>: sessions made
/// through one node are served by every node, a crashed node's partitions are served again by the others,
/// and a graceful leave or a rebalance under load loses no acknowledged write.
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

        // Ready while all were there, each holding its share; Degraded, not Unhealthy, while the crashed node's
        // partitions do not answer: having been ready, a node still serves every other partition.
        Assert.All(ready, r => Assert.Equal(HealthStatus.Healthy, r.Status));
        Assert.Equal(string.Join(',', lost), ready[2].Data["heldPartitions"]);
        Assert.Equal(3, ready[0].Data["regions"]);
        Assert.Equal(HealthStatus.Degraded, unready.Status);
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
    public async Task A_graceful_leave_loses_no_acknowledged_write_and_leaves_no_resendable_request_unanswered()
    {
        var store = new FencedFakeStore(new FakeSessionStore());
        _cluster = await ClusterOfThree.StartAsync(Partitions, store);
        var ids = await CreateAsync(_cluster.Fronts[0], 100);

        // Through the nodes that stay; three quarters of the sessions written with version-checked saves.
        await using var load = new ClusterWriteLoad([_cluster.Fronts[0], _cluster.Fronts[1]], ids, checkedShare: 75, Timeout);
        await ClusterOfThree.Until(() => load.Acknowledged.Count == ids.Length, TimeSpan.FromSeconds(10), "a write acknowledged for every session");
        var moved = await _cluster.PartitionsOnAsync(2);
        var watch = Stopwatch.StartNew();
        await _cluster.LeaveAsync(2);
        var left = watch.Elapsed;
        await _cluster.AllPartitionsServedAsync(TimeSpan.FromSeconds(20), 0, 1);
        var served = watch.Elapsed;

        // Long enough for a request dropped in the hand-off to be resent and answered, or to time out.
        await Task.Delay(Timeout + TimeSpan.FromSeconds(1));
        await load.StopAsync();
        output.WriteLine($"Graceful leave of a node with {moved.Length} of {Partitions} partitions: left in {left.TotalMilliseconds:F0} ms, all partitions served {served.TotalMilliseconds:F0} ms after it began; {load.Describe()}.");

        await AssertAcknowledgedServedAsync(ids, load);
        Assert.Equal(0, load.SafeUnanswered);
        Assert.Equal(0, store.Refused);
    }

    [Fact]
    public async Task A_rebalance_under_load_loses_no_acknowledged_write_and_never_has_two_writers()
    {
        var store = new FencedFakeStore(new FakeSessionStore());
        _cluster = await ClusterOfThree.StartAsync(Partitions, store, members: 2);
        var ids = await CreateAsync(_cluster.Fronts[0], 100);
        await using var load = new ClusterWriteLoad([_cluster.Fronts[0], _cluster.Fronts[1]], ids, checkedShare: 50, Timeout);
        await ClusterOfThree.Until(() => load.Acknowledged.Count == ids.Length, TimeSpan.FromSeconds(10), "a write acknowledged for every session");
        var epochs = Enumerable.Range(0, Partitions).Select(store.EpochOf).ToArray();

        // The third node joins: the coordinator moves a third of the partitions to it while the writers run.
        var watch = Stopwatch.StartNew();
        await _cluster.JoinAsync(2);
        await _cluster.EvenlySharedAsync([0, 1, 2], TimeSpan.FromSeconds(30));
        var moved = await _cluster.PartitionsOnAsync(2);
        await _cluster.AllPartitionsServedAsync(TimeSpan.FromSeconds(20), 0, 1, 2);
        var rebalanced = watch.Elapsed;
        await Task.Delay(Timeout + TimeSpan.FromSeconds(1));
        await load.StopAsync();
        output.WriteLine($"Rebalance onto a joining node: {moved.Length} of {Partitions} partitions moved, all served {rebalanced.TotalMilliseconds:F0} ms after the join began; {load.Describe()}; commits refused as stale: {store.Refused}.");

        // Served by the new node from what the old one committed: every acknowledged write is in the store.
        await AssertAcknowledgedServedAsync(ids, load);

        // Each moved partition was taken anew, and no commit ever came from a copy that had lost it.
        Assert.All(moved, p => Assert.True(store.EpochOf(p) > epochs[p], $"partition {p}: epoch {store.EpochOf(p)}, before the join {epochs[p]}"));
        Assert.Equal(0, store.Refused);
        Assert.Equal(0, load.SafeUnanswered);
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

    /// <summary>Every session is served with its last acknowledged number, or a later one whose answer was lost.</summary>
    private async Task AssertAcknowledgedServedAsync(string[] ids, ClusterWriteLoad load)
    {
        foreach (var id in ids)
        {
            var session = Assert.IsType<SessionFound>(await _cluster!.Fronts[0].Ask<object>(new GetSession(id), Timeout)).Session;
            Assert.True(session.Data.TryGetValue("n", out var bytes), id);
            Assert.True(BitConverter.ToInt64(bytes.AsSpan()) >= load.Acknowledged[id], $"{id}: stored {BitConverter.ToInt64(bytes.AsSpan())}, acknowledged {load.Acknowledged[id]}");
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
