using System.Text;

namespace ActorSessions.Tests.Storage;

/// <summary>The journal child failing on its own: the container and its sessions outlive it.</summary>
public sealed class SessionContainerStoreJournalSpec : StoreSpecBase
{
    [Fact]
    public async Task A_journal_crash_fails_and_undoes_the_write_it_held_and_leaves_the_container_and_its_sessions_intact()
    {
        var container = NewContainer();
        var kept = (await Ask<SessionSaved>(container, new SaveSession((await OpenNew(container)).SetString("k", "kept")))).Session;
        var other = await OpenNew(container);
        Store.HoldCommits();
        var holding = Ask<object>(container, new SaveSession(other.SetString("k", "lost")));
        await Store.CommitStarted();

        Sys.ActorSelection(container.Path / "journal").Tell(Kill.Instance);

        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => holding);
        var undone = (await Ask<SessionFound>(container, new GetSession(other.Id))).Session;
        Assert.Equal((other.Version, (string?)null), (undone.Version, undone.GetString("k")));
        Assert.Equal("kept", (await Ask<SessionFound>(container, new GetSession(kept.Id))).Session.GetString("k"));
        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal((2, 2L), (stats.Count, stats.Created)); // a restarted container would hold none
        await AskFails(container, new SaveSession(kept.SetString("k", "refused")));

        // The dead journal's commit ends (it lands: its row is unknown until rewritten); then the probe.
        var probes = Store.InitializeCalls;
        Store.ReleaseCommits();
        Scheduler.Advance(StoreSettings.MinBackoff);
        await AwaitAvailable(container);
        Assert.True(Store.InitializeCalls > probes);

        await Ask<SessionSaved>(container, new SaveSession(kept.SetString("k", "after")));
        await Ask<SessionStoreFlushed>(container, FlushSessionStore.Instance);
        Assert.Equal("after", Value(kept.Id, "k"));
        Assert.Null(Value(other.Id, "k")); // rewritten as memory holds it, the undone write gone
    }

    private string? Value(string id, string key) =>
        Decode(Store.Rows[id]).TryGetValue(key, out var value) ? Encoding.UTF8.GetString(value.AsSpan()) : null;
}
