namespace ActorSessions.Tests.Storage;

/// <summary>A <see cref="SessionBatch"/> over a store: its writes are acknowledged once committed, and a failed commit fails only them.</summary>
public sealed class SessionContainerStoreBatchSpec : StoreSpecBase
{
    [Fact]
    public async Task A_batch_that_writes_is_answered_only_once_its_commit_is_done()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        Store.HoldCommits();
        var caller = CreateTestProbe();

        container.Tell(new SessionBatch([new GetSession(session.Id), new SaveSession(session.SetString("cart", "3 books"))]), caller.Ref);
        await Store.CommitStarted();
        await StoreStats(container);

        Assert.False(caller.HasMessages);
        Store.ReleaseCommits();
        var replies = caller.ExpectMsg<SessionBatchHandled>().Replies;
        Assert.IsType<SessionFound>(replies[0]);
        Assert.IsType<SessionSaved>(replies[1]);
        Assert.Equal("3 books", System.Text.Encoding.UTF8.GetString(Decode(Store.Rows[session.Id])["cart"].AsSpan()));
    }

    [Fact]
    public async Task A_batch_that_only_reads_is_answered_at_once()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        Store.HoldCommits();

        var handled = await Ask<SessionBatchHandled>(container, new SessionBatch([new GetSession(session.Id), new OpenSession(session.Id)]));

        Assert.IsType<SessionFound>(handled.Replies[0]);
        Assert.False(Assert.IsType<SessionOpened>(handled.Replies[1]).IsNew);
        Store.ReleaseCommits();
    }

    [Fact]
    public async Task A_failed_commit_fails_the_batchs_writes_in_their_slots_and_undoes_them_while_its_reads_stand()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        Store.Fault = new IOException("disk on fire");

        var handled = await Ask<SessionBatchHandled>(container, new SessionBatch(
        [
            new GetSession(session.Id),
            new SaveSession(session.SetString("cart", "3 books")),
            new OpenSession(),
        ]));

        Assert.IsType<SessionFound>(handled.Replies[0]);
        Assert.IsType<SessionStoreUnavailableException>(Assert.IsType<Akka.Actor.Status.Failure>(handled.Replies[1]).Cause);
        Assert.IsType<SessionStoreUnavailableException>(Assert.IsType<Akka.Actor.Status.Failure>(handled.Replies[2]).Cause);
        var found = await Ask<SessionFound>(container, new GetSession(session.Id));
        Assert.Null(found.Session.GetString("cart"));
        Assert.Equal(1, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Count);
    }

    [Fact]
    public async Task While_the_store_is_down_a_batchs_writes_are_refused_and_its_reads_served()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        await BreakStore(container, session);

        var handled = await Ask<SessionBatchHandled>(container, new SessionBatch(
        [
            new GetSession(session.Id),
            new UpdateSession(session.Id, SessionData.Empty.SetItem("k", [1])),
        ]));

        Assert.IsType<SessionFound>(handled.Replies[0]);
        Assert.IsType<SessionStoreUnavailableException>(Assert.IsType<Akka.Actor.Status.Failure>(handled.Replies[1]).Cause);
    }
}
