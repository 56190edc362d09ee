namespace ActorSessions.Tests.Container;

public sealed partial class SessionContainerSpec
{
    [Fact]
    public async Task Cleanup_removes_the_expired_sessions_and_only_those()
    {
        var container = NewContainer();
        for (var i = 0; i < 5; i++)
        {
            await OpenNew(container);
        }

        Clock.Advance(TimeSpan.FromMinutes(20));
        var fresh = await OpenNew(container);
        Clock.Advance(TimeSpan.FromMinutes(10));

        var cleaned = await Ask<SessionsCleanedUp>(container, CleanupSessions.Instance);

        Assert.Equal(new SessionsCleanedUp(Removed: 5, Remaining: 1), cleaned);
        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(fresh.Id)));
    }

    [Fact]
    public async Task Cleanup_removes_sessions_past_their_absolute_timeout_even_when_recently_touched()
    {
        var container = NewContainer(Settings(s => s with { IdleTimeout = TimeSpan.FromHours(1), AbsoluteTimeout = TimeSpan.FromMinutes(40) }));
        var old = await OpenNew(container);
        Clock.Advance(TimeSpan.FromMinutes(20));
        var young = await OpenNew(container);
        Clock.Advance(TimeSpan.FromMinutes(19));
        Assert.False((await Ask<SessionOpened>(container, new OpenSession(old.Id))).IsNew);
        Clock.Advance(TimeSpan.FromMinutes(1));

        var cleaned = await Ask<SessionsCleanedUp>(container, CleanupSessions.Instance);

        Assert.Equal(new SessionsCleanedUp(Removed: 1, Remaining: 1), cleaned);
        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(young.Id)));
    }

    [Fact]
    public async Task Cleanup_works_in_chunks_and_serves_requests_between_them()
    {
        var container = NewContainer(Settings(s => s with { CleanupBatchSize = 10 }));
        for (var i = 0; i < 95; i++)
        {
            await OpenNew(container);
        }

        Clock.Advance(Idle);
        var live = await OpenNew(container);

        // Both sent by TestActor back to back: the Get is answered while the cleanup is still going.
        container.Tell(CleanupSessions.Instance, TestActor);
        container.Tell(new GetSession(live.Id), TestActor);

        ExpectMsg<SessionFound>();
        Assert.Equal(new SessionsCleanedUp(Removed: 95, Remaining: 1), ExpectMsg<SessionsCleanedUp>());
    }

    [Fact]
    public async Task A_cleanup_requested_while_one_runs_gets_the_same_result()
    {
        var container = NewContainer(Settings(s => s with { CleanupBatchSize = 10 }));
        for (var i = 0; i < 50; i++)
        {
            await OpenNew(container);
        }

        Clock.Advance(Idle);
        var other = CreateTestProbe();

        container.Tell(CleanupSessions.Instance, TestActor);
        container.Tell(CleanupSessions.Instance, other.Ref);

        var expected = new SessionsCleanedUp(Removed: 50, Remaining: 0);
        Assert.Equal(expected, ExpectMsg<SessionsCleanedUp>());
        Assert.Equal(expected, other.ExpectMsg<SessionsCleanedUp>());
    }

    [Fact]
    public async Task The_cleanup_timer_sweeps_expired_sessions_without_being_asked()
    {
        var events = EventProbe();
        var container = NewContainer(Settings(s => s with { CleanupInterval = TimeSpan.FromMilliseconds(100) }));
        var session = await OpenNew(container);
        events.ExpectMsg<SessionCreated>();

        Clock.Advance(Idle);

        // Nothing but the container's own timer can end it: no message names it.
        var ended = events.ExpectMsg<SessionEnded>(TimeSpan.FromSeconds(5));
        Assert.Equal(new SessionEnded(session.Id, SessionEndReason.Expired), ended);
        Assert.Equal(0, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Count);
    }

    [Fact]
    public async Task Stats_report_the_last_cleanup()
    {
        var container = NewContainer();
        for (var i = 0; i < 3; i++)
        {
            await OpenNew(container);
        }

        Clock.Advance(Idle);
        await Ask<SessionsCleanedUp>(container, CleanupSessions.Instance);

        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal(3, stats.LastCleanupRemoved);
        Assert.Equal(3, stats.Expired);
        Assert.True(stats.LastCleanupDuration > TimeSpan.Zero);
    }
}
