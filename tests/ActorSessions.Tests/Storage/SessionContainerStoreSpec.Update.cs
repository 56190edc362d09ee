using System.Collections.Immutable;

namespace ActorSessions.Tests.Storage;

/// <summary>Delta saves (what the ASP.NET Core middleware sends) are writes like any other.</summary>
public sealed class SessionContainerStoreUpdateSpec : StoreSpecBase
{
    private static SessionData Set(string key, string value) =>
        SessionData.Empty.SetItem(key, System.Text.Encoding.UTF8.GetBytes(value).ToImmutableArray());

    [Fact]
    public async Task An_update_is_answered_only_once_its_commit_is_done()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        Store.HoldCommits();
        var caller = CreateTestProbe();

        container.Tell(new UpdateSession(session.Id, Set("cart", "3 books")), caller.Ref);
        await Store.CommitStarted();
        await StoreStats(container);

        Assert.False(caller.HasMessages);
        Store.ReleaseCommits();
        Assert.Equal("3 books", caller.ExpectMsg<SessionSaved>().Session.GetString("cart"));
        Assert.Equal("3 books", System.Text.Encoding.UTF8.GetString(Decode(Store.Rows[session.Id])["cart"].AsSpan()));
    }

    [Fact]
    public async Task An_update_while_the_store_is_down_fails_and_changes_nothing()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        await BreakStore(container, session);

        await AskFails(container, new UpdateSession(session.Id, Set("cart", "3 books")));

        var found = await Ask<SessionFound>(container, new GetSession(session.Id));
        Assert.Null(found.Session.GetString("cart"));
    }

    [Fact]
    public async Task A_touch_only_update_is_answered_at_once_and_written_behind()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        var commits = Store.Commits.Count;
        Clock.Advance(TimeSpan.FromMinutes(5));

        var touched = await Ask<SessionSaved>(container, new UpdateSession(session.Id));

        Assert.Equal(commits, Store.Commits.Count);
        Scheduler.Advance(StoreSettings.TouchFlushInterval);
        await AwaitAssertAsync(() => Assert.Equal(touched.Session.LastModified, Store.Rows[session.Id].LastModified));
    }
}
