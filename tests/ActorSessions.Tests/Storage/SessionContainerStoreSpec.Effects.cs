namespace ActorSessions.Tests.Storage;

/// <summary>
/// Effects follow what is durable, exactly once: a write's event, counter and metric come after its commit,
/// and not at all for a write whose commit failed.
/// </summary>
public sealed class SessionContainerStoreEffectsSpec : StoreSpecBase
{
    [Fact]
    public async Task A_create_whose_commit_fails_publishes_nothing_and_is_not_counted()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionCreated));
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionEnded));
        var container = NewContainer();
        await StoreStats(container);

        Store.Fault = new IOException("disk full");
        await AskFails(container, new OpenSession());

        events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Created);
    }

    [Fact]
    public async Task A_logout_and_a_renewal_whose_commit_fails_publish_nothing_and_are_not_counted()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionCreated));
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionEnded));

        Store.Fault = new IOException("disk full");
        await AskFails(container, new DeleteSession(session.Id));
        Assert.False((await StoreStats(container)).Available); // handled, its probe timer started
        Store.Fault = null;
        Scheduler.Advance(StoreSettings.MinBackoff);
        await AwaitAvailable(container);
        Store.Fault = new IOException("disk full");
        await AskFails(container, new RenewSessionId(session.Id));

        events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal((1, 0, 0), (stats.Created, stats.Deleted, stats.Renewed));
        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(session.Id)));
    }

    [Fact]
    public async Task A_committed_create_is_published_and_counted_once_after_its_reply()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionCreated));
        var container = NewContainer();
        Store.HoldCommits();

        var opening = Ask<SessionOpened>(container, new OpenSession());
        await Store.CommitStarted();
        await StoreStats(container);
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Store.ReleaseCommits();
        var opened = await opening;

        Assert.Equal(opened.Session.Id, events.ExpectMsg<SessionCreated>().SessionId);
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Created);
    }
}
