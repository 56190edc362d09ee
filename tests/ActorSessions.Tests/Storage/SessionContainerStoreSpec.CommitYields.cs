using System.Threading.Channels;
using ActorSessions.Durability;

namespace ActorSessions.Tests.Storage;

/// <summary>
/// Group commit that carries more writes: a commit about to start first lets the thread pool's queued work
/// run (<see cref="SessionStoreSettings.CommitYields"/>), without a timer. The pool is a fake here, so each
/// spec decides when there is work queued and when a yield comes back.
/// </summary>
public sealed class SessionContainerStoreCommitYieldsSpec : StoreSpecBase
{
    private readonly HeldYields _pool = new();

    [Fact]
    public async Task A_commit_about_to_start_while_work_is_queued_yields_to_it_and_the_writes_that_arrive_meanwhile_share_it()
    {
        var container = NewContainer(commitYield: _pool);
        var first = CreateTestProbe();
        var second = CreateTestProbe();

        container.Tell(new OpenSession(), first.Ref);
        var yielded = await _pool.Yielded();
        container.Tell(new OpenSession(), second.Ref);
        await StoreStats(container); // answered by the journal, behind the second session's write

        Assert.Empty(Store.Commits);
        Assert.False(first.HasMessages);
        _pool.Busy = false;
        yielded.Release();

        var ids = new[] { first.ExpectMsg<SessionOpened>().Session.Id, second.ExpectMsg<SessionOpened>().Session.Id };
        var commit = Assert.Single(Store.Commits);
        Assert.Equal(ids.Order(), commit.Select(w => w.Id).Order());
        Assert.False(_pool.HasYielded);
    }

    [Fact]
    public async Task With_work_always_queued_a_commit_starts_after_commit_yields_yields()
    {
        var container = NewContainer(storeSettings: StoreSettings with { CommitYields = 2 }, commitYield: _pool);
        var session = await CommitTaking(container, TimeSpan.FromMilliseconds(10));
        var caller = CreateTestProbe();
        _pool.Busy = true;

        container.Tell(new UpdateSession(session.Id, SessionData.Empty.SetItem("k", [1])), caller.Ref);
        (await _pool.Yielded()).Release();
        await CommitAfterLastYield(TimeSpan.FromMilliseconds(10));

        caller.ExpectMsg<SessionSaved>();
        Assert.Equal(2, Store.Commits.Count);
        Assert.False(_pool.HasYielded);

        // The count starts again for the next commit.
        container.Tell(new UpdateSession(session.Id, SessionData.Empty.SetItem("k", [2])), caller.Ref);
        (await _pool.Yielded()).Release();
        (await _pool.Yielded()).Release();
        caller.ExpectMsg<SessionSaved>();
        Assert.Equal(3, Store.Commits.Count);
        Assert.False(_pool.HasYielded);
    }

    [Fact]
    public async Task A_commit_yields_again_only_while_its_yields_have_taken_less_time_than_the_last_commit()
    {
        var container = NewContainer(commitYield: _pool);
        var session = await CommitTaking(container, TimeSpan.FromMilliseconds(10));
        var caller = CreateTestProbe();
        _pool.Busy = true;

        container.Tell(new UpdateSession(session.Id, SessionData.Empty.SetItem("k", [1])), caller.Ref);
        var first = await _pool.Yielded();
        Clock.Advance(TimeSpan.FromMilliseconds(10)); // the pool was starved: this yield took as long as a commit
        first.Release();

        caller.ExpectMsg<SessionSaved>(); // no second yield, though work is still queued and 4 are allowed
        Assert.Equal(2, Store.Commits.Count);
        Assert.False(_pool.HasYielded);
    }

    [Fact]
    public async Task A_create_that_waited_through_a_yield_and_whose_commit_failed_is_refused_and_publishes_nothing()
    {
        var container = NewContainer(commitYield: _pool);
        await StoreStats(container);
        var events = Events();
        var caller = CreateTestProbe();

        container.Tell(new OpenSession(), caller.Ref);
        var yielded = await _pool.Yielded();
        Store.Fault = new IOException("disk full");
        _pool.Busy = false;
        yielded.Release();

        Assert.IsType<SessionStoreUnavailableException>(caller.ExpectMsg<Status.Failure>().Cause);
        Assert.Empty(Store.Rows);
        Assert.Empty(await PublishedSoFar(events, container));
        Assert.Equal(0, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Created);
    }

    [Fact]
    public async Task With_nothing_queued_a_commit_starts_at_once()
    {
        _pool.Busy = false;
        var container = NewContainer(commitYield: _pool);

        var session = await OpenNew(container);

        Assert.Equal(session.Id, Assert.Single(Assert.Single(Store.Commits)).Id);
        Assert.False(_pool.HasYielded);
    }

    [Fact]
    public async Task With_commit_yields_0_a_commit_starts_at_once_however_busy_the_pool()
    {
        var container = NewContainer(storeSettings: StoreSettings with { CommitYields = 0 }, commitYield: _pool);

        var session = await OpenNew(container);

        Assert.Equal(session.Id, Assert.Single(Assert.Single(Store.Commits)).Id);
        Assert.False(_pool.HasYielded);
    }

    /// <summary>A first session, committed with nothing queued on the pool, its commit taking <paramref name="took"/>.</summary>
    private async Task<Session> CommitTaking(IActorRef container, TimeSpan took)
    {
        _pool.Busy = false;
        Task<SessionOpened>? opening = null;
        await TheCommitTakes(took, () => opening = Ask<SessionOpened>(container, new OpenSession()));
        return (await opening!).Session;
    }

    /// <summary>Releases the yield waiting, whose answer starts a commit; that commit takes <paramref name="took"/>.</summary>
    private async Task CommitAfterLastYield(TimeSpan took) => await TheCommitTakes(took, (await _pool.Yielded()).Release);

    /// <summary>The commit that <paramref name="start"/> starts is held while the clock moves on by <paramref name="took"/>.</summary>
    private async Task TheCommitTakes(TimeSpan took, Action start)
    {
        Store.HoldCommits();
        start();
        await Store.CommitStarted();
        Clock.Advance(took);
        Store.ReleaseCommits();
    }

    /// <summary>A thread pool that has work queued while <see cref="Busy"/>, and whose yields come back only when a spec releases them.</summary>
    private sealed class HeldYields : CommitYield
    {
        private readonly Channel<Held> _yields = Channel.CreateUnbounded<Held>();

        public volatile bool Busy = true;

        public override bool HasQueuedWork => Busy;

        public bool HasYielded => _yields.Reader.TryPeek(out _);

        public override void After(IActorRef journal, object message) => _yields.Writer.TryWrite(new Held(journal, message));

        public async Task<Held> Yielded()
        {
            using var timeout = new CancellationTokenSource(AskTimeout);
            return await _yields.Reader.ReadAsync(timeout.Token);
        }

        public sealed record Held(IActorRef Journal, object Message)
        {
            public void Release() => Journal.Tell(Message);
        }
    }
}
