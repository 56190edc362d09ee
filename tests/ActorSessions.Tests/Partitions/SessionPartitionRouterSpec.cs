using ActorSessions.Tests.TestSupport;
using Akka.Actor;

namespace ActorSessions.Tests.Partitions;

/// <summary>Local partitions: several containers behind one reference, as callers see one container.</summary>
public sealed class SessionPartitionRouterSpec : ContainerSpecBase
{
    private const int P = 4;

    private IActorRef Partitioned(Func<SessionSettings, SessionSettings>? change = null) =>
        NewContainer(Settings(s => (change?.Invoke(s) ?? s) with { Partitions = P }));

    [Fact]
    public async Task Sessions_are_spread_over_every_partition_and_each_lives_in_its_ids_partition()
    {
        var container = Partitioned();
        using var client = new SessionClient(container);

        var opened = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => client.CreateAsync(new CreateSession(SessionData.Empty.SetItem("k", [1])))));
        var partitions = opened.Select(o => SessionPartitioner.PartitionOf(o.Session.Id, P)).ToArray();

        Assert.Equal(1000, opened.Select(o => o.Session.Id).Distinct().Count());
        Assert.Equal(P, partitions.Distinct().Count());
        Assert.All(partitions.GroupBy(p => p), g => Assert.InRange(g.Count(), 150, 350));
        foreach (var o in opened)
        {
            var found = await client.GetAsync(o.Session.Id);
            Assert.Equal([1], found.Session.Data["k"].ToArray());
        }

        var stats = await client.GetStatsAsync();
        Assert.Equal(1000, stats.Count);
        Assert.Equal(1000, stats.Created);
    }

    [Fact]
    public async Task Open_stays_strict_across_partitions_an_unknown_id_gets_a_fresh_one_of_its_own_partition()
    {
        var container = Partitioned();
        var unknown = new string('A', 20);

        var opened = await Ask<SessionOpened>(container, new OpenSession(unknown));

        Assert.True(opened.IsNew);
        Assert.NotEqual(unknown, opened.Session.Id);
        Assert.Equal(SessionPartitioner.PartitionOf(unknown, P), SessionPartitioner.PartitionOf(opened.Session.Id, P));
    }

    [Fact]
    public async Task A_batch_is_split_by_partition_and_answered_in_its_own_order()
    {
        var container = Partitioned();
        var sessions = new List<Session>();
        for (var i = 0; i < 12; i++)
        {
            sessions.Add(await OpenNew(container));
        }

        ISessionRequest[] requests = [.. sessions.Select(s => (ISessionRequest)new GetSession(s.Id)), new GetSession("nobody-holds-this-id-x"), new OpenSession()];
        container.Tell(new SessionBatch(requests), TestActor);
        var replies = ExpectMsg<SessionBatchHandled>().Replies;

        Assert.Equal(requests.Length, replies.Count);
        for (var i = 0; i < sessions.Count; i++)
        {
            Assert.Equal(sessions[i].Id, Assert.IsType<SessionFound>(replies[i]).Session.Id);
        }

        Assert.IsType<SessionNotFound>(replies[12]);
        Assert.True(Assert.IsType<SessionOpened>(replies[13]).IsNew);
    }

    [Fact]
    public async Task Renewal_keeps_a_session_in_its_partition()
    {
        var container = Partitioned();
        var session = await OpenNew(container);

        var renewed = await Ask<SessionRenewed>(container, new RenewSessionId(session.Id));

        Assert.Equal(SessionPartitioner.PartitionOf(session.Id, P), SessionPartitioner.PartitionOf(renewed.Session.Id, P));
        Assert.IsType<SessionNotFound>(await Ask<object>(container, new GetSession(session.Id)));
        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(renewed.Session.Id)));
    }

    [Fact]
    public async Task Cleanup_and_time_adjustment_reach_every_partition_and_answer_the_sum()
    {
        var container = Partitioned();
        for (var i = 0; i < 40; i++)
        {
            await OpenNew(container);
        }

        Assert.Equal(40, (await Ask<TimeAdjusted>(container, new AdjustTime(TimeSpan.FromSeconds(1)))).Sessions);
        Clock.Advance(Settings().IdleTimeout + TimeSpan.FromSeconds(1));
        var cleaned = await Ask<SessionsCleanedUp>(container, CleanupSessions.Instance);

        Assert.Equal(40, cleaned.Removed);
        Assert.Equal(0, cleaned.Remaining);
        Assert.Equal(40, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Expired);
    }

    [Fact]
    public async Task Stats_per_partition_answer_each_partitions_figures_in_order_and_add_up_to_the_sum()
    {
        var container = Partitioned();
        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add((await OpenNew(container)).Id);
        }

        var report = await Ask<PartitionStatsReport>(container, GetPartitionStats.Instance);
        var sum = await Ask<SessionStats>(container, GetSessionStats.Instance);

        Assert.Equal(Enumerable.Range(0, P), report.Partitions.Select(p => p.Partition));
        Assert.All(report.Partitions, p => Assert.Equal(ids.Count(id => SessionPartitioner.PartitionOf(id, P) == p.Partition), p.Stats.Count));
        Assert.All(report.Partitions, p => Assert.Equal(((ExtendedActorSystem)Sys).Provider.DefaultAddress.ToString(), p.Node));
        Assert.Equal(sum.Count, report.Partitions.Sum(p => p.Stats.Count));
        Assert.Equal(sum.Created, report.Partitions.Sum(p => p.Stats.Created));
    }

    [Fact]
    public async Task One_container_answers_stats_per_partition_as_partition_0()
    {
        var container = NewContainer(Settings());
        await OpenNew(container);

        var report = await Ask<PartitionStatsReport>(container, GetPartitionStats.Instance);

        var only = Assert.Single(report.Partitions);
        Assert.Equal(0, only.Partition);
        Assert.Equal(1, only.Stats.Count);
    }

    [Fact]
    public async Task Max_sessions_is_a_total_split_over_the_partitions()
    {
        var container = Partitioned(s => s with { MaxSessions = 40 });
        for (var i = 0; i < 200; i++)
        {
            await OpenNew(container);
        }

        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal(40, stats.Count);
        Assert.Equal(160, stats.Evicted);
    }

    [Fact]
    public void More_partitions_than_the_id_length_leaves_112_random_bits_for_are_refused()
    {
        var settings = Settings() with { Partitions = SessionPartitioner.MaxPartitionsFor(SessionSettings.Default.SessionIdLength) + 1 };

        Assert.Throws<ArgumentOutOfRangeException>(() => SessionContainer.Props(new SessionContainerOptions(settings)));
    }
}
