using Akka.TestKit;

namespace ActorSessions.Tests.Storage;

/// <summary>Recovery of the sessions when the container starts.</summary>
public sealed class SessionContainerStoreRecoverySpec : StoreSpecBase
{
    private const string IdA = "AAAAAAAAAAAAAAAAAAAA";
    private const string IdB = "BBBBBBBBBBBBBBBBBBBB";

    [Fact]
    public async Task A_started_container_serves_the_sessions_of_its_store_as_they_were()
    {
        var modified = Start - TimeSpan.FromMinutes(5);
        Store.Put(Row(IdA, modified, version: 7, value: "kept", created: Start - TimeSpan.FromHours(1)));

        var container = NewContainer();
        var found = (await Ask<SessionFound>(container, new GetSession(IdA))).Session;

        Assert.Equal("kept", found.GetString("k"));
        Assert.Equal(7, found.Version);
        Assert.Equal(modified, found.LastModified);
        Assert.Equal(Start - TimeSpan.FromHours(1), found.CreatedAt);
        Assert.Equal(1, (await StoreStats(container)).RecoveredSessions);
    }

    [Fact]
    public async Task The_rows_are_read_on_a_thread_of_their_own_never_one_of_the_thread_pools()
    {
        // A store whose calls block (SQLite) reads for seconds; on the pool, two partitions read at once left
        // a two-core machine's pool no thread for the requests served meanwhile.
        Store.Put(Row(IdA, Start));
        Store.Put(Row(IdB, Start));

        var container = NewContainer();
        await Ask<SessionFound>(container, new GetSession(IdA));

        Assert.Equal([false, false], Store.LoadedOnThreadPool);
    }

    [Fact]
    public async Task An_expired_row_is_not_recovered()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(31)));

        var container = NewContainer();

        await Ask<SessionNotFound>(container, new GetSession(IdA));
    }

    [Fact]
    public async Task A_recovered_session_keeps_its_sliding_expiry_from_its_last_touch()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(20)));
        var container = NewContainer();
        await Ask<SessionFound>(container, new GetSession(IdA));

        Clock.Advance(TimeSpan.FromMinutes(10));

        await Ask<SessionNotFound>(container, new GetSession(IdA));
    }

    [Fact]
    public async Task A_recovered_session_keeps_its_absolute_expiry_from_its_creation()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(1), created: Start - TimeSpan.FromMinutes(50)));
        var container = NewContainer(Settings(s => s with { AbsoluteTimeout = TimeSpan.FromHours(1) }));
        await Ask<SessionFound>(container, new GetSession(IdA));

        Clock.Advance(TimeSpan.FromMinutes(10));

        await Ask<SessionNotFound>(container, new GetSession(IdA));
    }

    [Fact]
    public async Task An_unreadable_row_is_no_session_and_is_logged_never_a_crash()
    {
        Store.Put(Row(IdA, Start));
        Store.Put(Row(IdB, Start) with { Data = [0xFF, 0x01, 0x02] });

        var container = await EventFilter.Warning(contains: "cannot be read").ExpectOneAsync(async () =>
        {
            var c = NewContainer();
            await StoreStats(c);
            return c;
        });

        await Ask<SessionFound>(container, new GetSession(IdA));
        await Ask<SessionNotFound>(container, new GetSession(IdB));
        Assert.Equal(1, (await StoreStats(container)).UnreadableRows);
    }

    [Fact]
    public async Task Requests_sent_while_the_container_recovers_are_answered_after_it()
    {
        Store.Put(Row(IdA, Start));
        Store.HoldLoads();
        var container = NewContainer();
        var caller = CreateTestProbe();

        container.Tell(new GetSession(IdA), caller.Ref);
        Assert.False((await StoreStats(container)).Available); // still recovering
        Assert.False(caller.HasMessages);
        Store.ReleaseLoads();

        caller.ExpectMsg<SessionFound>();
    }

    [Fact]
    public async Task When_the_store_cannot_be_read_at_start_requests_fail_until_it_can()
    {
        Store.Put(Row(IdA, Start));
        Store.Fault = new IOException("connection refused");
        var container = NewContainer();
        await AwaitAssertAsync(async () => Assert.NotNull((await StoreStats(container)).LastFailure), TimeSpan.FromSeconds(5));

        await AskFails(container, new GetSession(IdA));
        Store.Fault = null;
        Scheduler.Advance(StoreSettings.MinBackoff);

        await AwaitAssertAsync(async () => await Ask<SessionFound>(container, new GetSession(IdA)), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Recovery_keeps_the_most_recently_touched_sessions_within_max_sessions()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(2)));
        Store.Put(Row(IdB, Start - TimeSpan.FromMinutes(1)));

        var container = NewContainer(Settings(s => s with { MaxSessions = 1 }));

        await Ask<SessionNotFound>(container, new GetSession(IdA));
        await Ask<SessionFound>(container, new GetSession(IdB));
        await Ask<SessionStoreFlushed>(container, FlushSessionStore.Instance);
        Assert.False(Store.Rows.ContainsKey(IdA));
    }

    [Fact]
    public async Task A_restarted_container_has_every_acknowledged_write_of_the_one_before()
    {
        var first = NewContainer();
        var session = await OpenNew(first);
        var saved = (await Ask<SessionSaved>(first, new SaveSession(session.SetString("k", "durable")))).Session;
        var gone = await OpenNew(first);
        await Ask<SessionDeleted>(first, new DeleteSession(gone.Id));
        await first.GracefulStop(AskTimeout);

        var second = NewContainer();

        var recovered = (await Ask<SessionFound>(second, new GetSession(session.Id))).Session;
        Assert.Equal((saved.Id, saved.CreatedAt, saved.LastModified, saved.Version, saved.GetString("k")), (recovered.Id, recovered.CreatedAt, recovered.LastModified, recovered.Version, recovered.GetString("k")));
        await Ask<SessionNotFound>(second, new GetSession(gone.Id));
    }

    [Fact]
    public async Task A_recovery_past_its_timeout_fails_held_and_new_requests_and_is_retried_after_a_backoff()
    {
        Store.Put(Row(IdA, Start));
        Store.HoldLoads();
        var storeSettings = StoreSettings with { RecoveryTimeout = TimeSpan.FromSeconds(10) };
        var container = Sys.ActorOf(SessionContainer.Props(new SessionContainerOptions(Settings()) { TimeProvider = Clock, Store = Store, StoreSettings = storeSettings }));
        var held = Ask<object>(container, new GetSession(IdA));
        await Store.LoadStarted();

        Clock.Advance(storeSettings.RecoveryTimeout);

        var heldFailure = await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => held);
        Assert.Contains("recover", heldFailure.Message);
        Assert.Contains("recovery-timeout", heldFailure.Message);
        var newFailure = await AskFails(container, new OpenSession(IdA));
        Assert.Contains("recover", newFailure.Message);
        var stats = await StoreStats(container);
        Assert.False(stats.Available);
        Assert.Contains("recovery-timeout", stats.LastFailure);

        Store.ReleaseLoads();
        Scheduler.Advance(storeSettings.MinBackoff);

        await AwaitAssertAsync(async () => await Ask<SessionFound>(container, new GetSession(IdA)), TimeSpan.FromSeconds(5));
        Assert.True((await StoreStats(container)).Available);
        Assert.Equal(1, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Count);
    }
}
