namespace ActorSessions.Tests.Storage;

/// <summary>Acknowledge after commit, and group commit.</summary>
public sealed class SessionContainerStoreCommitSpec : StoreSpecBase
{
    [Fact]
    public async Task A_save_is_answered_only_once_its_commit_is_done()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        Store.HoldCommits();
        var caller = CreateTestProbe();

        container.Tell(new SaveSession(session.SetString("cart", "3 books")), caller.Ref);
        await Store.CommitStarted();
        await StoreStats(container); // the container has handled the save and is waiting for the store

        Assert.False(caller.HasMessages);
        Store.ReleaseCommits();
        var saved = caller.ExpectMsg<SessionSaved>();
        Assert.Equal("3 books", saved.Session.GetString("cart"));
        Assert.Equal("3 books", System.Text.Encoding.UTF8.GetString(Decode(Store.Rows[session.Id])["cart"].AsSpan()));
    }

    [Fact]
    public async Task A_new_session_is_answered_only_once_its_row_is_committed()
    {
        var container = NewContainer();
        Store.HoldCommits();
        var caller = CreateTestProbe();

        container.Tell(new OpenSession(), caller.Ref);
        await Store.CommitStarted();
        await StoreStats(container);

        Assert.False(caller.HasMessages);
        Store.ReleaseCommits();
        var opened = caller.ExpectMsg<SessionOpened>();
        Assert.True(Store.Rows.ContainsKey(opened.Session.Id));
    }

    [Fact]
    public async Task A_lone_write_is_committed_at_once_without_waiting_for_a_timer()
    {
        var container = NewContainer();

        var session = await OpenNew(container); // no scheduler advance: nothing but the write starts the commit

        Assert.Single(Store.Commits);
        Assert.Equal(session.Id, Store.Commits[0][0].Id);
    }

    [Fact]
    public async Task Writes_that_arrive_during_a_commit_go_together_in_the_next_transaction()
    {
        var container = NewContainer();
        var sessions = new List<Session>();
        for (var i = 0; i < 20; i++)
        {
            sessions.Add(await OpenNew(container));
        }

        var before = Store.Commits.Count;
        Store.HoldCommits();
        var caller = CreateTestProbe();
        container.Tell(new SaveSession(sessions[0].SetString("n", "0")), caller.Ref);
        await Store.CommitStarted();
        for (var i = 1; i < 20; i++)
        {
            container.Tell(new SaveSession(sessions[i].SetString("n", i.ToString(System.Globalization.CultureInfo.InvariantCulture))), caller.Ref);
        }

        await StoreStats(container);
        Store.ReleaseCommits();
        for (var i = 0; i < 20; i++)
        {
            caller.ExpectMsg<SessionSaved>();
        }

        var commits = Store.Commits.Skip(before).ToList();
        Assert.Equal(2, commits.Count);
        Assert.Single(commits[0]);
        Assert.Equal(19, commits[1].Count);
    }

    [Fact]
    public async Task Several_writes_to_one_session_in_a_batch_become_one_row_with_the_last_state()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        var other = await OpenNew(container);
        var before = Store.Commits.Count;
        Store.HoldCommits();
        var caller = CreateTestProbe();
        container.Tell(new SaveSession(other.SetString("x", "1")), caller.Ref);
        await Store.CommitStarted();

        container.Tell(new SaveSession(session.SetString("step", "1")), caller.Ref);
        container.Tell(new SaveSession(session.SetString("step", "2")), caller.Ref);
        container.Tell(new SaveSession(session.SetString("step", "3")), caller.Ref);
        await StoreStats(container);
        Store.ReleaseCommits();
        caller.ReceiveN(4);

        var last = Store.Commits[^1];
        Assert.Equal(before + 2, Store.Commits.Count);
        var write = Assert.Single(last);
        Assert.Equal(3, write.Record!.Version);
        Assert.Equal("3", System.Text.Encoding.UTF8.GetString(Decode(write.Record)["step"].AsSpan()));
    }

    [Fact]
    public async Task A_delete_and_a_renewal_are_committed_before_they_are_answered()
    {
        var container = NewContainer();
        var renewed = await OpenNew(container);
        var deleted = await OpenNew(container);

        var renewal = await Ask<SessionRenewed>(container, new RenewSessionId(renewed.Id));
        await Ask<SessionDeleted>(container, new DeleteSession(deleted.Id));

        Assert.False(Store.Rows.ContainsKey(renewed.Id));
        Assert.True(Store.Rows.ContainsKey(renewal.Session.Id));
        Assert.False(Store.Rows.ContainsKey(deleted.Id));
    }

    [Fact]
    public async Task An_evicted_session_is_deleted_from_the_store()
    {
        var container = NewContainer(Settings(s => s with { MaxSessions = 2 }));
        var first = await OpenNew(container);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await OpenNew(container);
        Clock.Advance(TimeSpan.FromSeconds(1));

        await OpenNew(container);

        Assert.False(Store.Rows.ContainsKey(first.Id));
        Assert.Equal(2, Store.Rows.Count);
    }

    [Fact]
    public async Task A_read_is_answered_at_once_while_a_commit_is_held()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        Store.HoldCommits();
        container.Tell(new SaveSession(session.SetString("a", "b")), CreateTestProbe().Ref);
        await Store.CommitStarted();

        var found = await Ask<SessionFound>(container, new GetSession(session.Id));

        Assert.Equal(session.Id, found.Session.Id);
        Store.ReleaseCommits();
    }

    [Fact]
    public async Task Flush_answers_once_every_write_before_it_is_committed()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        Store.HoldCommits();
        var caller = CreateTestProbe();
        container.Tell(new SaveSession(session.SetString("a", "b")), caller.Ref);
        await Store.CommitStarted();

        container.Tell(FlushSessionStore.Instance, caller.Ref);
        await StoreStats(container);
        Assert.False(caller.HasMessages);
        Store.ReleaseCommits();

        caller.ExpectMsg<SessionSaved>();
        caller.ExpectMsg<SessionStoreFlushed>();
    }
}
