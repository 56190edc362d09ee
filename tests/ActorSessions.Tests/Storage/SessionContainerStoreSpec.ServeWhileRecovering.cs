using ActorSessions.Storage;
using Akka.Actor;

namespace ActorSessions.Tests.Storage;

/// <summary>
/// Serving while the rows are still read (<see cref="SessionStoreSettings.ServeWhileRecovering"/>): the
/// store's load is held, so every answer here comes before the last row is read.
/// </summary>
public sealed class SessionContainerServeWhileRecoveringSpec : StoreSpecBase
{
    private const string IdA = "AAAAAAAAAAAAAAAAAAAA";
    private const string IdB = "BBBBBBBBBBBBBBBBBBBB";
    private const string IdC = "CCCCCCCCCCCCCCCCCCCC";

    public SessionContainerServeWhileRecoveringSpec()
        : base(storeFindsById: true)
    {
    }

    [Fact]
    public async Task A_request_is_answered_from_its_own_row_before_the_rest_are_read()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(5), version: 7, value: "kept", created: Start - TimeSpan.FromHours(1)));
        Store.Put(Row(IdB, Start - TimeSpan.FromMinutes(5)));
        var container = await NewContainerStillLoading();

        var found = (await Ask<SessionFound>(container, new GetSession(IdA))).Session;

        Assert.Equal("kept", found.GetString("k"));
        Assert.Equal(7, found.Version);
        Assert.Equal(Start - TimeSpan.FromMinutes(5), found.LastModified);
        Assert.Equal(Start - TimeSpan.FromHours(1), found.CreatedAt);
        Assert.Equal([IdA], Assert.Single(Store.FoundIds));
        Assert.Equal(1, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Count);

        Store.ReleaseLoads();
        Assert.Equal(2, (await Ask<TimeAdjusted>(container, new AdjustTime(TimeSpan.Zero))).Sessions);
    }

    [Fact]
    public async Task An_id_the_store_does_not_hold_is_not_adopted_and_an_expired_row_is_no_session()
    {
        Store.Put(Row(IdB, Start - TimeSpan.FromMinutes(31)));
        var container = await NewContainerStillLoading();

        var opened = await Ask<SessionOpened>(container, new OpenSession(IdA));
        await Ask<SessionNotFound>(container, new GetSession(IdB));

        Assert.True(opened.IsNew);
        Assert.NotEqual(IdA, opened.Session.Id);
        Assert.True(Store.Rows.ContainsKey(opened.Session.Id));
        Assert.False(Store.Rows.ContainsKey(IdA));
    }

    [Fact]
    public async Task A_write_made_while_the_rows_are_read_is_not_undone_by_the_older_row_read_behind()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(5), value: "old"));
        var container = await NewContainerStillLoading();

        var session = (await Ask<SessionFound>(container, new GetSession(IdA))).Session;
        await Ask<SessionSaved>(container, new SaveSession(session.SetString("k", "new")));
        Store.ReleaseLoads();
        await Ask<TimeAdjusted>(container, new AdjustTime(TimeSpan.Zero));

        Assert.Equal("new", (await Ask<SessionFound>(container, new GetSession(IdA))).Session.GetString("k"));
        Assert.Equal("new", System.Text.Encoding.UTF8.GetString(Decode(Store.Rows[IdA])["k"].AsSpan()));
    }

    [Fact]
    public async Task A_session_deleted_or_renewed_while_the_rows_are_read_is_not_brought_back_by_its_row_read_behind()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(5)));
        Store.Put(Row(IdB, Start - TimeSpan.FromMinutes(5)));
        var container = await NewContainerStillLoading();

        Assert.True((await Ask<SessionDeleted>(container, new DeleteSession(IdA))).Existed);
        var renewed = await Ask<SessionRenewed>(container, new RenewSessionId(IdB));
        Store.ReleaseLoads();

        Assert.Equal(1, (await Ask<TimeAdjusted>(container, new AdjustTime(TimeSpan.Zero))).Sessions);
        await Ask<SessionNotFound>(container, new GetSession(IdA));
        await Ask<SessionNotFound>(container, new GetSession(IdB));
        await Ask<SessionFound>(container, new GetSession(renewed.Session.Id));
        Assert.Equal([renewed.Session.Id], Store.Rows.Keys);
    }

    [Fact]
    public async Task While_the_rows_are_read_a_write_is_answered_only_once_stored_and_one_whose_commit_fails_stores_and_publishes_nothing()
    {
        var events = Events();
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(5)));
        var container = await NewContainerStillLoading();
        Store.HoldCommits();

        var open = Ask<SessionOpened>(container, new OpenSession());
        await Store.CommitStarted();
        Assert.False(open.IsCompleted);
        Store.ReleaseCommits();
        var created = (await open).Session;
        Assert.True(Store.Rows.ContainsKey(created.Id));

        Store.Fault = new IOException("disk on fire");
        await AskFails(container, new DeleteSession(created.Id));
        Assert.True(Store.Rows.ContainsKey(created.Id));

        var published = await PublishedSoFar(events, container);
        Assert.Equal(created.Id, Assert.IsType<SessionCreated>(Assert.Single(published)).SessionId);
    }

    [Fact]
    public async Task A_request_behind_one_that_waits_for_its_session_is_answered_after_it()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(5)));
        var container = await NewContainerStillLoading();
        var known = await OpenNew(container);
        Store.HoldFinds();
        var probe = CreateTestProbe();

        container.Tell(new GetSession(IdA), probe.Ref);
        container.Tell(new GetSession(known.Id), probe.Ref);
        await Store.FindStarted();
        Store.ReleaseFinds();

        Assert.Equal(IdA, (await probe.ExpectMsgAsync<SessionFound>()).Session.Id);
        Assert.Equal(known.Id, (await probe.ExpectMsgAsync<SessionFound>()).Session.Id);
    }

    [Fact]
    public async Task A_batch_waits_for_every_session_it_names_and_each_is_looked_up_once()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(5), value: "a"));
        Store.Put(Row(IdB, Start - TimeSpan.FromMinutes(5), value: "b"));
        var container = await NewContainerStillLoading();

        var handled = await Ask<SessionBatchHandled>(container, new SessionBatch([new GetSession(IdA), new TouchSession(IdB), new GetSession(IdA), new GetSession(IdC)]));

        Assert.Equal("a", Assert.IsType<SessionFound>(handled.Replies[0]).Session.GetString("k"));
        Assert.Equal("b", Assert.IsType<SessionFound>(handled.Replies[1]).Session.GetString("k"));
        Assert.IsType<SessionFound>(handled.Replies[2]);
        Assert.IsType<SessionNotFound>(handled.Replies[3]);
        Assert.Equal([IdA, IdB, IdC], Store.FoundIds.SelectMany(ids => ids).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_failed_lookup_fails_the_request_waiting_for_it_without_naming_the_session_and_a_later_one_looks_again()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(5), value: "kept"));
        var container = await NewContainerStillLoading();
        Store.FindFault = new IOException("disk on fire");

        var failure = await AskFails(container, new GetSession(IdA));
        var opened = await OpenNew(container);
        Store.FindFault = null;
        var found = await Ask<SessionFound>(container, new GetSession(IdA));

        Assert.Contains("disk on fire", failure.Message);
        Assert.DoesNotContain(IdA, failure.Message);
        Assert.Equal("kept", found.Session.GetString("k"));
        Assert.Equal(2, Store.FindCalls);
        Assert.True(Store.Rows.ContainsKey(opened.Id));
    }

    [Fact]
    public async Task An_unreadable_row_looked_up_before_the_read_reaches_it_is_no_session_and_counted_once()
    {
        Store.Put(new SessionRecord(IdB, [0xFF], Start, Start, 1, Start + TimeSpan.FromMinutes(30)));
        var container = await NewContainerStillLoading();

        await Ask<SessionNotFound>(container, new GetSession(IdB));
        Store.ReleaseLoads();
        await Ask<TimeAdjusted>(container, new AdjustTime(TimeSpan.Zero));

        Assert.Equal(1, (await StoreStats(container)).UnreadableRows);
        Assert.Equal(1, Store.FindCalls);
    }

    [Fact]
    public async Task AdjustTime_and_everything_behind_it_wait_for_the_last_row()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(5)));
        Store.Put(Row(IdB, Start - TimeSpan.FromMinutes(5)));
        var container = await NewContainerStillLoading();

        var adjusted = Ask<TimeAdjusted>(container, new AdjustTime(TimeSpan.FromMinutes(1)));
        var behind = Ask<SessionFound>(container, new GetSession(IdA));

        // Stats are answered at once, after the container has taken both requests.
        await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.False(adjusted.IsCompleted);
        Assert.False(behind.IsCompleted);
        Assert.Equal(0, Store.FindCalls);

        Store.ReleaseLoads();
        Assert.Equal(2, (await adjusted).Sessions);
        Assert.Equal(Start - TimeSpan.FromMinutes(4), (await behind).Session.LastModified);
    }

    [Fact]
    public async Task With_serve_while_recovering_off_every_request_waits_for_the_last_row()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(5)));
        var container = await NewContainerStillLoading(storeSettings: StoreSettings with { ServeWhileRecovering = false });

        var get = Ask<SessionFound>(container, new GetSession(IdA));

        // The journal answers store stats while recovering, after the container has taken the request.
        await StoreStats(container);
        Assert.False(get.IsCompleted);
        Assert.Equal(0, Store.FindCalls);
        Store.ReleaseLoads();
        await get;
    }

    [Fact]
    public async Task A_read_behind_that_fails_is_read_again_while_the_container_serves()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(5)));
        Store.Put(Row(IdB, Start - TimeSpan.FromMinutes(5)));
        Store.FailNextLoad = new IOException("read failed");
        var container = NewContainer();

        await Ask<SessionFound>(container, new GetSession(IdA));
        var opened = await OpenNew(container);
        var adjusted = Ask<TimeAdjusted>(container, new AdjustTime(TimeSpan.Zero));

        // The second read starts after the backoff, on the scheduler the spec drives.
        await AwaitAssertAsync(
            () =>
            {
                Scheduler.Advance(StoreSettings.MinBackoff);
                Assert.True(adjusted.IsCompleted);
            },
            TimeSpan.FromSeconds(5));
        Assert.Equal(3, (await adjusted).Sessions);
        Assert.True(Store.Rows.ContainsKey(opened.Id));
    }

    [Fact]
    public async Task A_journal_that_restarts_while_the_rows_are_read_recovers_again_and_its_predecessors_older_rows_are_never_taken()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(5), value: "old"));
        Store.Put(Row(IdB, Start - TimeSpan.FromMinutes(5)));
        var container = await NewContainerStillLoading();
        var session = (await Ask<SessionFound>(container, new GetSession(IdA))).Session;
        await Ask<SessionSaved>(container, new SaveSession(session.SetString("k", "new")));
        Assert.True((await Ask<SessionDeleted>(container, new DeleteSession(IdB))).Existed);

        // A fault of the journal's own (here a malformed message) restarts it; its read, held, still runs
        // and holds the rows as they were before the save and the delete.
        Sys.ActorSelection(container.Path / "journal").Tell(new Durability.JournalFind(1, null!));
        await Store.LoadStarted();
        Assert.Equal("new", (await Ask<SessionFound>(container, new GetSession(IdA))).Session.GetString("k"));

        // What the dead journal's read sends, whenever it comes: rows of its attempt, the first.
        container.Tell(new Durability.RecoveredChunk(1, [new Durability.RecoveredSession(IdB, Decode(Row(IdB, Start)), Start.UtcTicks, Start.UtcTicks, 3)]));
        container.Tell(new Durability.RecoveredChunk(1, [new Durability.RecoveredSession(IdA, Decode(Row(IdA, Start, value: "old")), Start.UtcTicks, Start.UtcTicks, 3)]));
        Store.ReleaseLoads();

        Assert.Equal(1, (await Ask<TimeAdjusted>(container, new AdjustTime(TimeSpan.Zero))).Sessions);
        Assert.Equal("new", (await Ask<SessionFound>(container, new GetSession(IdA))).Session.GetString("k"));
        await Ask<SessionNotFound>(container, new GetSession(IdB));
    }

    [Fact]
    public async Task Past_max_sessions_the_least_recently_touched_are_evicted_once_the_last_row_is_read()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(3)));
        Store.Put(Row(IdB, Start - TimeSpan.FromMinutes(2)));
        Store.Put(Row(IdC, Start - TimeSpan.FromMinutes(1)));
        var container = NewContainer(Settings(s => s with { MaxSessions = 2 }));

        Assert.Equal(2, (await Ask<TimeAdjusted>(container, new AdjustTime(TimeSpan.Zero))).Sessions);
        await Ask<SessionNotFound>(container, new GetSession(IdA));
        await Ask<SessionFound>(container, new GetSession(IdC));

        // The evicted session's row is deleted by a commit of its own, which an answer from memory does not wait for.
        await Ask<SessionStoreFlushed>(container, FlushSessionStore.Instance);
        Assert.False(Store.Rows.ContainsKey(IdA));
    }
}
