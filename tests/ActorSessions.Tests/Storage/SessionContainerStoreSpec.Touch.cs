namespace ActorSessions.Tests.Storage;

/// <summary>Touches written behind, and the store's cleanup.</summary>
public sealed class SessionContainerStoreTouchSpec : StoreSpecBase
{
    [Fact]
    public async Task Opening_a_session_is_answered_at_once_and_its_touch_written_on_the_next_flush()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        var commits = Store.Commits.Count;
        Clock.Advance(TimeSpan.FromMinutes(5));

        await Ask<SessionOpened>(container, new OpenSession(session.Id));
        Assert.Equal(commits, Store.Commits.Count);
        Assert.Equal(1, (await StoreStats(container)).PendingWrites);
        Scheduler.Advance(StoreSettings.TouchFlushInterval);

        await AwaitAssertAsync(() => Assert.Equal(Start + TimeSpan.FromMinutes(5), Store.Rows[session.Id].LastModified), TimeSpan.FromSeconds(5));
        Assert.Equal(Start + TimeSpan.FromMinutes(35), Store.Rows[session.Id].ExpiresAt);
    }

    [Fact]
    public async Task Many_touches_of_one_session_are_one_write()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        var commits = Store.Commits.Count;
        for (var i = 0; i < 10; i++)
        {
            await Ask<SessionOpened>(container, new OpenSession(session.Id));
        }

        await Ask<SessionStoreFlushed>(container, FlushSessionStore.Instance);

        Assert.Equal(commits + 1, Store.Commits.Count);
        Assert.Single(Store.Commits[^1]);
    }

    [Fact]
    public async Task Touches_held_during_an_outage_are_written_when_the_store_is_back()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        await BreakStore(container, session);
        Clock.Advance(TimeSpan.FromMinutes(3));
        await Ask<SessionOpened>(container, new OpenSession(session.Id));
        Store.Fault = null;

        Scheduler.Advance(StoreSettings.MinBackoff);

        await AwaitAssertAsync(() => Assert.Equal(Start + TimeSpan.FromMinutes(3), Store.Rows[session.Id].LastModified), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_touch_of_a_deleted_session_does_not_bring_it_back()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        await Ask<SessionOpened>(container, new OpenSession(session.Id));
        await Ask<SessionDeleted>(container, new DeleteSession(session.Id));

        await Ask<SessionStoreFlushed>(container, FlushSessionStore.Instance);

        Assert.False(Store.Rows.ContainsKey(session.Id));
    }

    [Fact]
    public async Task Stamps_shifted_by_AdjustTime_are_written_behind()
    {
        var container = NewContainer();
        var session = await OpenNew(container);

        await Ask<TimeAdjusted>(container, new AdjustTime(TimeSpan.FromHours(-1)));
        await Ask<SessionStoreFlushed>(container, FlushSessionStore.Instance);

        Assert.Equal(Start - TimeSpan.FromHours(1), Store.Rows[session.Id].CreatedAt);
        Assert.Equal(Start - TimeSpan.FromHours(1), Store.Rows[session.Id].LastModified);
    }

    [Fact]
    public async Task Cleanup_deletes_rows_that_expired_a_grace_period_ago()
    {
        var container = NewContainer();
        await Ask<SessionStoreStats>(container, GetSessionStoreStats.Instance);
        Store.Put(Row("OLDOLDOLDOLDOLDOLDOL", Start - TimeSpan.FromMinutes(40)));
        Store.Put(Row("RECENTRECENTRECENTRE", Start - TimeSpan.FromMinutes(30.5)));

        await Ask<SessionsCleanedUp>(container, CleanupSessions.Instance);

        await AwaitAssertAsync(() => Assert.False(Store.Rows.ContainsKey("OLDOLDOLDOLDOLDOLDOL")), TimeSpan.FromSeconds(5));
        Assert.True(Store.Rows.ContainsKey("RECENTRECENTRECENTRE")); // expired only 30 s ago: within the grace
        Assert.Equal(Start - StoreSettings.CleanupGrace, Assert.Single(Store.CleanupCalls));
    }
}
