using ActorSessions.Tests.TestSupport;

namespace ActorSessions.Tests.Storage;

/// <summary>A container in memory only answers the store's messages too, so callers need not know which it is.</summary>
public sealed class SessionContainerWithoutStoreSpec : ContainerSpecBase
{
    [Fact]
    public async Task Flush_is_answered_at_once()
    {
        var container = NewContainer();
        await OpenNew(container);

        await Ask<SessionStoreFlushed>(container, FlushSessionStore.Instance);
    }

    [Fact]
    public async Task Store_stats_say_there_is_no_store()
    {
        var container = NewContainer();

        var stats = await Ask<SessionStoreStats>(container, GetSessionStoreStats.Instance);

        Assert.False(stats.HasStore);
        Assert.Equal(0, stats.Commits);
    }
}
