using System.Collections.Immutable;
using System.Text;

namespace ActorSessions.Tests.Storage;

/// <summary>Touching and creating through <see cref="SessionClient"/>: a touch writes nothing now, a create with data is one commit.</summary>
public sealed class SessionContainerStoreTouchAndCreateSpec : StoreSpecBase
{
    [Fact]
    public async Task TouchAsync_on_a_missing_id_throws_SessionNotFoundException_and_creates_nothing()
    {
        var container = NewContainer();
        await StoreStats(container);
        using var client = new SessionClient(container, timeProvider: Clock);
        var missing = new SessionIdGenerator(Settings().SessionIdLength).Next();

        var thrown = await Assert.ThrowsAsync<SessionNotFoundException>(() => client.TouchAsync(missing));

        Assert.Equal(missing, thrown.SessionId);
        Assert.Equal(0, (await client.GetStatsAsync()).Count);
        await Ask<SessionStoreFlushed>(container, FlushSessionStore.Instance);
        Assert.Empty(Store.Commits);
        Assert.Empty(Store.Rows);
    }

    [Fact]
    public async Task TouchAsync_on_a_held_session_finds_it_and_commits_nothing_until_the_touches_are_flushed()
    {
        var container = NewContainer();
        using var client = new SessionClient(container, timeProvider: Clock);
        var session = (await client.CreateAsync(new CreateSession(Data("user", "ada")))).Session;
        var commits = Store.Commits.Count;
        Clock.Advance(TimeSpan.FromMinutes(1));

        var found = await client.TouchAsync(session.Id);

        Assert.Equal(("ada", session.Version), (found.Session.GetString("user"), found.Session.Version));
        Assert.Equal(commits, Store.Commits.Count);
        await Ask<SessionStoreFlushed>(container, FlushSessionStore.Instance);
        Assert.Equal(Start + TimeSpan.FromMinutes(1), Store.Rows[session.Id].LastModified);
    }

    [Fact]
    public async Task CreateAsync_returns_a_new_session_with_its_data_in_one_commit()
    {
        var container = NewContainer();
        await StoreStats(container);
        using var client = new SessionClient(container, timeProvider: Clock);

        var opened = await client.CreateAsync(new CreateSession(Data("user", "ada")));

        Assert.True(opened.IsNew);
        Assert.Equal(("ada", 1L), (opened.Session.GetString("user"), opened.Session.Version));
        var commit = Assert.Single(Store.Commits);
        Assert.Equal(opened.Session.Id, Assert.Single(commit).Id);
        var row = Store.Rows[opened.Session.Id];
        Assert.Equal(1, row.Version);
        Assert.Equal(Data("user", "ada"), Decode(row));
    }

    private static SessionData Data(string key, string value) =>
        SessionData.Empty.SetItem(key, [.. Encoding.UTF8.GetBytes(value)]);
}
