using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.TestKit;

namespace ActorSessions.Tests.Storage;

/// <summary>
/// Effects follow what is durable, exactly once: a write's event, counter and metric come after its commit,
/// and not at all for a write whose commit failed.
/// </summary>
public sealed class SessionContainerStoreEffectsSpec : StoreSpecBase
{
    [Fact]
    public async Task A_create_whose_commit_fails_publishes_nothing_and_is_not_counted()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionCreated));
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionEnded));
        var container = NewContainer();

        // Stats wait for recovery to end (store stats are answered during it): the fault hits the commit only.
        await Ask<SessionStats>(container, GetSessionStats.Instance);

        Store.Fault = new IOException("disk full");
        await AskFails(container, new OpenSession());

        events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Created);
    }

    [Fact]
    public async Task A_logout_and_a_renewal_whose_commit_fails_publish_nothing_and_are_not_counted()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionCreated));
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionEnded));

        Store.Fault = new IOException("disk full");
        await AskFails(container, new DeleteSession(session.Id));
        Assert.False((await StoreStats(container)).Available); // handled, its probe timer started
        Store.Fault = null;
        Scheduler.Advance(StoreSettings.MinBackoff);
        await AwaitAvailable(container);
        Store.Fault = new IOException("disk full");
        await AskFails(container, new RenewSessionId(session.Id));

        events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal((1, 0, 0), (stats.Created, stats.Deleted, stats.Renewed));
        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(session.Id)));
    }

    [Fact]
    public async Task A_committed_create_is_published_and_counted_once_after_its_reply()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionCreated));
        var container = NewContainer();
        Store.HoldCommits();

        var opening = Ask<SessionOpened>(container, new OpenSession());
        await Store.CommitStarted();
        await StoreStats(container);
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Store.ReleaseCommits();
        var opened = await opening;

        Assert.Equal(opened.Session.Id, events.ExpectMsg<SessionCreated>().SessionId);
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Created);
    }

    [Fact]
    public async Task A_create_whose_commit_failed_never_ends_later()
    {
        var container = NewContainer();
        await StoreStats(container);
        var events = Events();
        Store.Fault = new IOException("disk full");
        await AskFails(container, new OpenSession());
        Store.Fault = null;
        Scheduler.Advance(StoreSettings.MinBackoff);
        await AwaitAvailable(container);

        // Long past its idle timeout: a session that was made would expire in this cleanup.
        Clock.Advance(Settings().IdleTimeout + TimeSpan.FromMinutes(1));
        var cleaned = await Ask<SessionsCleanedUp>(container, CleanupSessions.Instance);

        Assert.Equal((0, 0), (cleaned.Removed, cleaned.Remaining));
        Assert.Empty(await PublishedSoFar(events, container));
        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal((0, 0, 0), (stats.Created, stats.Expired, stats.Count));
    }

    [Fact]
    public async Task Across_a_renewal_a_failed_write_an_eviction_and_a_deletion_each_event_is_published_once()
    {
        var container = NewContainer(Settings(s => s with { MaxSessions = 2 }));
        await StoreStats(container);
        var events = Events();

        var first = await OpenNew(container);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var renewed = (await Ask<SessionRenewed>(container, new RenewSessionId(first.Id))).Session;
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await OpenNew(container);

        Store.Fault = new IOException("disk full");
        await AskFails(container, new RenewSessionId(second.Id));
        Store.Fault = null;
        Scheduler.Advance(StoreSettings.MinBackoff);
        await AwaitAvailable(container);

        Clock.Advance(TimeSpan.FromSeconds(1));
        var third = await OpenNew(container);
        await Ask<SessionDeleted>(container, new DeleteSession(third.Id));

        var published = await PublishedSoFar(events, container);
        var victim = Assert.IsType<SessionEnded>(published[4]).SessionId;
        Assert.Contains(victim, new[] { renewed.Id, second.Id });
        Assert.Equal(
            [
                new SessionCreated(first.Id, first.CreatedAt),
                new SessionEnded(first.Id, SessionEndReason.Renewed),
                new SessionCreated(renewed.Id, first.CreatedAt, first.Id),
                new SessionCreated(second.Id, second.CreatedAt),
                new SessionEnded(victim, SessionEndReason.Evicted),
                new SessionCreated(third.Id, third.CreatedAt),
                new SessionEnded(third.Id, SessionEndReason.Deleted),
            ],
            published);
        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal((3, 1, 1, 1), (stats.Created, stats.Renewed, stats.Evicted, stats.Deleted));
    }

    [Fact]
    public async Task A_write_whose_commit_fails_is_not_measured()
    {
        var measured = new ConcurrentQueue<(string Instrument, string? Reason)>();
        using var listener = new MeterListener();

        // A name of its own: containers of other specs, in other actor systems, have the same default paths.
        var container = Sys.ActorOf(SessionContainer.Props(new SessionContainerOptions(Settings()) { TimeProvider = Clock, Store = Store, StoreSettings = StoreSettings }), $"effects-metrics-{Guid.NewGuid():N}");
        var tag = container.Path.ToStringWithoutAddress();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name is "actorsessions.sessions.created" or "actorsessions.sessions.ended" && instrument.Meter.Tags?.Any(t => Equals(t.Value, tag)) == true)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, _, tags, _) => measured.Enqueue((i.Name, Reason(tags))));
        listener.Start();
        var session = await OpenNew(container);
        await StoreStats(container); // its effects follow its reply
        Assert.Equal([("actorsessions.sessions.created", (string?)null)], measured);
        measured.Clear();

        Store.Fault = new IOException("disk full");
        await AskFails(container, new OpenSession());
        Assert.False((await StoreStats(container)).Available);
        Store.Fault = null;
        Scheduler.Advance(StoreSettings.MinBackoff);
        await AwaitAvailable(container);
        Store.Fault = new IOException("disk full");
        await AskFails(container, new DeleteSession(session.Id));
        Assert.False((await StoreStats(container)).Available);
        Store.Fault = null;
        Scheduler.Advance(StoreSettings.MinBackoff);
        await AwaitAvailable(container);
        Store.Fault = new IOException("disk full");
        await AskFails(container, new RenewSessionId(session.Id));
        await StoreStats(container);

        Assert.Empty(measured);
    }

    private static string? Reason(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "reason")
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}
