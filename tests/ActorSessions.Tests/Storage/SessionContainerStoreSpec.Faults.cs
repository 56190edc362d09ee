namespace ActorSessions.Tests.Storage;

/// <summary>A store that fails: clear failures, nothing half-done, reads go on, recovery by itself.</summary>
public sealed class SessionContainerStoreFaultSpec : StoreSpecBase
{
    [Fact]
    public async Task A_failed_commit_answers_store_unavailable_and_undoes_the_save()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        var saved = (await Ask<SessionSaved>(container, new SaveSession(session.SetString("k", "committed")))).Session;
        Store.Fault = new IOException("No space left on device");

        var error = await AskFails(container, new SaveSession(saved.SetString("k", "lost")));

        Assert.Contains("No space left on device", error.Message);
        var found = await Ask<SessionFound>(container, new GetSession(session.Id));
        Assert.Equal("committed", found.Session.GetString("k"));
        Assert.Equal(saved.Version, found.Session.Version);
        Assert.Equal(saved.LastModified, found.Session.LastModified);
    }

    [Fact]
    public async Task A_failed_create_leaves_no_session_behind()
    {
        var container = NewContainer();
        await AwaitAvailable(container);
        Store.Fault = new IOException("unreachable");

        await AskFails(container, new OpenSession());

        Assert.Equal(0, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Count);
    }

    [Fact]
    public async Task A_failed_delete_keeps_the_session()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        Store.Fault = new IOException("unreachable");

        await AskFails(container, new DeleteSession(session.Id));

        await Ask<SessionFound>(container, new GetSession(session.Id));
    }

    [Fact]
    public async Task A_failed_renewal_keeps_the_old_id_and_issues_no_new_one()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        Store.Fault = new IOException("unreachable");

        await AskFails(container, new RenewSessionId(session.Id));

        await Ask<SessionFound>(container, new GetSession(session.Id));
        Assert.Equal(1, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Count);
    }

    [Fact]
    public async Task Writes_queued_behind_a_failed_commit_fail_too_and_are_undone()
    {
        var container = NewContainer();
        var a = await OpenNew(container);
        var b = await OpenNew(container);
        Store.HoldCommits();
        var caller = CreateTestProbe();
        container.Tell(new SaveSession(a.SetString("k", "1")), caller.Ref);
        await Store.CommitStarted();
        container.Tell(new SaveSession(b.SetString("k", "2")), caller.Ref);
        container.Tell(new OpenSession(), caller.Ref);
        await StoreStats(container);

        Store.Fault = new IOException("connection reset");
        Store.ReleaseCommits();

        for (var i = 0; i < 3; i++)
        {
            var failure = caller.ExpectMsg<Status.Failure>();
            Assert.IsType<SessionStoreUnavailableException>(failure.Cause);
        }

        Assert.Null((await Ask<SessionFound>(container, new GetSession(a.Id))).Session.GetString("k"));
        Assert.Null((await Ask<SessionFound>(container, new GetSession(b.Id))).Session.GetString("k"));
        Assert.Equal(2, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Count);
    }

    [Fact]
    public async Task While_the_store_is_down_writes_fail_at_once_and_reads_go_on()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        await BreakStore(container, session);
        var attempts = Store.Commits.Count;

        await AskFails(container, new SaveSession(session.SetString("k", "v")));
        await AskFails(container, new OpenSession());
        var reopened = await Ask<SessionOpened>(container, new OpenSession(session.Id));
        var found = await Ask<SessionFound>(container, new GetSession(session.Id));

        Assert.False(reopened.IsNew);
        Assert.Equal(session.Id, found.Session.Id);
        Assert.Equal(attempts, Store.Commits.Count);
    }

    [Fact]
    public async Task The_container_probes_the_store_after_a_backoff_and_takes_writes_again_when_it_is_back()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        await BreakStore(container, session);
        Store.Fault = null;

        Scheduler.Advance(StoreSettings.MinBackoff);
        await AwaitAvailable(container);

        var saved = await Ask<SessionSaved>(container, new SaveSession(session.SetString("k", "after the outage")));
        Assert.Equal("after the outage", saved.Session.GetString("k"));
        Assert.Equal(saved.Session.Version, Store.Rows[session.Id].Version);
    }

    [Fact]
    public async Task Probes_back_off_doubling_while_the_store_stays_down()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        await BreakStore(container, session);
        Store.Fault = new IOException("still down");

        Scheduler.Advance(TimeSpan.FromSeconds(1)); // the first probe, 1 s after the failure
        Assert.Equal(1, (await StoreStats(container)).Probes);
        await AwaitAssertAsync(async () => Assert.Equal("still down", (await StoreStats(container)).LastFailure), TimeSpan.FromSeconds(5));
        Scheduler.Advance(TimeSpan.FromSeconds(1.5)); // the next one waits 2 s
        Assert.Equal(1, (await StoreStats(container)).Probes);
        Scheduler.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(2, (await StoreStats(container)).Probes);
    }

    [Fact]
    public async Task Nothing_acknowledged_is_lost_across_an_outage()
    {
        var container = NewContainer();
        var acknowledged = new Dictionary<string, long>();
        Session last = null!;
        for (var i = 0; i < 5; i++)
        {
            var s = await OpenNew(container);
            last = (await Ask<SessionSaved>(container, new SaveSession(s.SetString("i", "before")))).Session;
            acknowledged[s.Id] = last.Version;
        }

        await BreakStore(container, last);
        Store.Fault = null;
        Scheduler.Advance(StoreSettings.MinBackoff);
        await AwaitAvailable(container);
        foreach (var id in acknowledged.Keys.ToList())
        {
            var current = (await Ask<SessionFound>(container, new GetSession(id))).Session;
            acknowledged[id] = (await Ask<SessionSaved>(container, new SaveSession(current.SetString("i", "after")))).Session.Version;
        }

        foreach (var (id, version) in acknowledged)
        {
            Assert.Equal(version, Store.Rows[id].Version);
        }
    }

    [Fact]
    public async Task A_store_fault_never_restarts_the_container()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        Watch(container);

        await BreakStore(container, session);

        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal(1, stats.Count);
        Assert.Equal(1, stats.Created); // a restarted actor would count from zero
        Assert.Equal(1, (await StoreStats(container)).FailedCommits);
    }
}
