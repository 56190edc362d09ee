using ActorSessions.Storage;
using ActorSessions.Tests.TestSupport;
using Akka.Actor;

namespace ActorSessions.Tests.Storage;

/// <summary>Partitions over one store: each recovers its own rows, and a partition has one writer.</summary>
public sealed class SessionContainerStorePartitionSpec : StoreSpecBase
{
    [Fact]
    public async Task Partitions_sharing_a_store_each_recover_their_own_sessions_once()
    {
        var settings = Settings(s => s with { Partitions = 4 });
        var first = NewContainer(settings);
        var ids = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            ids.Add((await Ask<SessionOpened>(first, new CreateSession(SessionData.Empty.SetItem("n", [(byte)i])))).Session.Id);
        }

        await Ask<SessionStoreFlushed>(first, FlushSessionStore.Instance);
        Sys.Stop(first);

        var second = NewContainer(settings);
        var stats = await Ask<SessionStats>(second, GetSessionStats.Instance);
        var store = await StoreStats(second);

        Assert.Equal(100, stats.Count);
        Assert.Equal(100, store.RecoveredSessions);
        for (var i = 0; i < ids.Count; i++)
        {
            var found = await Ask<SessionFound>(second, new GetSession(ids[i]));
            Assert.Equal((byte)i, found.Session.Data["n"][0]);
        }
    }

    [Fact]
    public async Task A_container_whose_partition_another_writer_took_refuses_every_request_and_writes_nothing()
    {
        var fenced = new FencedFakeStore(Store);
        var stale = Durable(fenced);
        var session = await OpenNew(stale);
        Assert.Equal(1, fenced.EpochOf(0));

        // A second writer (another process on the same database) takes the partition and recovers it.
        var current = Durable(fenced);
        Assert.Equal(session.Id, (await Ask<SessionFound>(current, new GetSession(session.Id))).Session.Id);
        Assert.Equal(2, fenced.EpochOf(0));

        var commitsBefore = Store.Commits.Count;
        var refused = await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => Ask<SessionSaved>(stale, new UpdateSession(session.Id, SessionData.Empty.SetItem("k", [1]))));
        Assert.IsType<SessionStoreFencedException>(refused.InnerException);
        Assert.Equal(commitsBefore, Store.Commits.Count);
        Assert.False(Store.Rows[session.Id].Version > session.Version);

        // Stale for good: reads fail too, while the writer that took over serves and writes.
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => Ask<SessionFound>(stale, new GetSession(session.Id)));
        var saved = await Ask<SessionSaved>(current, new UpdateSession(session.Id, SessionData.Empty.SetItem("k", [2])));
        Assert.Equal(2, saved.Session.Data["k"][0]);
    }

    [Fact]
    public async Task A_create_refused_by_the_fence_publishes_nothing_and_stores_nothing()
    {
        var fenced = new FencedFakeStore(Store);
        var stale = Durable(fenced);

        // Stats wait for recovery: the stale copy holds epoch 1, then the second writer takes epoch 2.
        await Ask<SessionStats>(stale, GetSessionStats.Instance);
        var current = Durable(fenced);
        await Ask<SessionStats>(current, GetSessionStats.Instance);
        Assert.Equal(2, fenced.EpochOf(0));
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionCreated));
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionEnded));
        var rowsBefore = Store.Rows.Count;

        var refused = await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => Ask<SessionOpened>(stale, new CreateSession(SessionData.Empty.SetItem("k", [1]))));

        Assert.IsType<SessionStoreFencedException>(refused.InnerException);
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(rowsBefore, Store.Rows.Count);
    }

    [Fact]
    public async Task Over_a_fencing_store_each_partition_takes_recovers_and_cleans_only_its_own_rows_under_its_epoch()
    {
        var fenced = new FencedFakeStore(Store);
        var expired = Enumerable.Range(0, 40).Select(i => Row($"expired-{i}", Start - TimeSpan.FromHours(2))).ToList();
        foreach (var row in expired)
        {
            Store.Put(row);
        }

        var container = Durable(fenced, Settings(s => s with { Partitions = 2 }));
        await Ask<SessionsCleanedUp>(container, CleanupSessions.Instance);

        await AwaitAssertAsync(() => Assert.Empty(Store.Rows), TimeSpan.FromSeconds(5));
        Assert.Equal([(0, 2), (1, 2)], fenced.CountedTakes.Order());
        Assert.Equal([(0, 2), (1, 2)], fenced.PartitionLoads.Order());
        Assert.Equal([(0, 2, 1L), (1, 2, 1L)], fenced.FencedCleanups.Distinct().Order());
        Assert.Equal(0, fenced.UnfencedCleanups);
    }

    [Fact]
    public async Task A_stale_copy_whose_cleanup_is_refused_deletes_nothing_and_then_refuses_every_request()
    {
        var fenced = new FencedFakeStore(Store);
        var stale = Durable(fenced);
        var session = await OpenNew(stale);
        var current = Durable(fenced);
        Assert.Equal(session.Id, (await Ask<SessionFound>(current, new GetSession(session.Id))).Session.Id);
        var expired = Row("expired-1", Start - TimeSpan.FromHours(2));
        Store.Put(expired);

        await Ask<SessionsCleanedUp>(stale, CleanupSessions.Instance);

        await AwaitAssertAsync(
            async () =>
            {
                var refused = await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => Ask<SessionFound>(stale, new GetSession(session.Id)));
                Assert.IsType<SessionStoreFencedException>(refused.InnerException);
            },
            TimeSpan.FromSeconds(5));
        Assert.Equal([(0, 1, 1L)], fenced.FencedCleanups);
        Assert.Same(expired, Store.Rows[expired.Id]);
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => Ask<SessionSaved>(stale, new UpdateSession(session.Id, SessionData.Empty.SetItem("k", [1]))));
        Assert.Equal(1, (await Ask<SessionSaved>(current, new UpdateSession(session.Id, SessionData.Empty.SetItem("k", [1])))).Session.Data["k"][0]);
    }

    [Fact]
    public async Task A_commit_in_flight_when_the_cleanup_is_refused_is_answered_by_its_own_outcome_before_the_copy_stops()
    {
        var fenced = new FencedFakeStore(Store);
        var stale = Durable(fenced);
        var session = await OpenNew(stale);
        Store.HoldCommits();

        // The commit passes the fence and is held; the partition is taken meanwhile, and the stale cleanup refused.
        var saving = Ask<SessionSaved>(stale, new UpdateSession(session.Id, SessionData.Empty.SetItem("k", [7])));
        await Store.CommitStarted();
        var current = Durable(fenced);
        await Ask<SessionStats>(current, GetSessionStats.Instance);
        await Ask<SessionsCleanedUp>(stale, CleanupSessions.Instance);
        await AwaitAssertAsync(() => Assert.Single(fenced.FencedCleanups), TimeSpan.FromSeconds(5));
        Store.ReleaseCommits();

        // It landed before the take: its writer hears so. Then the copy is fenced out.
        Assert.Equal(7, (await saving).Session.Data["k"][0]);
        Assert.Equal(7, Decode(Store.Rows[session.Id])["k"][0]);
        await AwaitAssertAsync(
            () => Assert.ThrowsAsync<SessionStoreUnavailableException>(() => Ask<SessionFound>(stale, new GetSession(session.Id))),
            TimeSpan.FromSeconds(5));
    }

    private IActorRef Durable(ISessionStore store, SessionSettings settings) =>
        Sys.ActorOf(SessionContainer.Props(new SessionContainerOptions(settings) { TimeProvider = Clock, Store = store, StoreSettings = StoreSettings }));

    private IActorRef Durable(ISessionStore store) =>
        Sys.ActorOf(SessionContainer.Props(new SessionContainerOptions(Settings()) { TimeProvider = Clock, Store = store, StoreSettings = StoreSettings }));
}
