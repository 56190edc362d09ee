namespace ActorSessions.Tests.Storage;

/// <summary>The container's limits with a store: a refusal writes nothing, an eviction is a write.</summary>
public sealed class SessionContainerStoreLimitsSpec : StoreSpecBase
{
    private const string IdA = "AAAAAAAAAAAAAAAAAAAA";
    private const string IdB = "BBBBBBBBBBBBBBBBBBBB";

    [Fact]
    public async Task A_write_over_a_limit_is_refused_without_a_commit()
    {
        var container = NewContainer(Settings(s => s with { MaxKeysPerSession = 1 }));
        var session = await OpenNew(container);
        var commits = Store.Commits.Count;

        var refused = await Ask<Status.Failure>(container, new SaveSession(session.SetString("a", "1").SetString("b", "2")));

        Assert.IsType<SessionTooLargeException>(refused.Cause);
        await Ask<SessionStoreFlushed>(container, FlushSessionStore.Instance);
        Assert.Equal(commits, Store.Commits.Count);
        Assert.True(Decode(Store.Rows[session.Id]).IsEmpty);
    }

    [Fact]
    public async Task A_session_evicted_to_make_room_under_max_memory_is_deleted_with_the_write_that_needed_it()
    {
        var container = NewContainer(Settings(s => s with { MaxMemory = (2 * 160) + 10 }));
        var evicted = await OpenNew(container);
        var written = await OpenNew(container);

        await Ask<SessionSaved>(container, new SaveSession(written.SetString("key", "12345")));

        Assert.False(Store.Rows.ContainsKey(evicted.Id));
        Assert.Contains(Store.Commits[^1], w => w.Id == evicted.Id);
        Assert.Contains(Store.Commits[^1], w => w.Id == written.Id);
    }

    [Fact]
    public async Task Recovery_keeps_the_most_recently_touched_sessions_within_max_memory()
    {
        // Each row holds "k" = "v": 3 bytes of data, 227 with the bookkeeping of its key and itself; the budget holds one.
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(2)));
        Store.Put(Row(IdB, Start - TimeSpan.FromMinutes(1)));

        var container = NewContainer(Settings(s => s with { MaxMemory = 300 }));

        await Ask<SessionNotFound>(container, new GetSession(IdA));
        await Ask<SessionFound>(container, new GetSession(IdB));
        await Ask<SessionStoreFlushed>(container, FlushSessionStore.Instance);
        Assert.False(Store.Rows.ContainsKey(IdA));
    }
}
