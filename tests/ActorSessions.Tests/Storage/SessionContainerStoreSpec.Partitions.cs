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

    private IActorRef Durable(ISessionStore store) =>
        Sys.ActorOf(SessionContainer.Props(new SessionContainerOptions(Settings()) { TimeProvider = Clock, Store = store, StoreSettings = StoreSettings }));
}
