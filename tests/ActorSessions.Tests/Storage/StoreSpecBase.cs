using ActorSessions.Durability;
using ActorSessions.Storage;
using System.Collections.Immutable;
using Akka.TestKit;
using ActorSessions.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace ActorSessions.Tests.Storage;

/// <summary>
/// A TestKit for a container over a <see cref="FakeSessionStore"/>: the session clock is a
/// <see cref="FakeTimeProvider"/> and the actor system's scheduler (timers: write-behind, backoff) a
/// <see cref="TestScheduler"/>, so no spec waits for time to pass.
/// </summary>
public abstract class StoreSpecBase : Akka.TestKit.Xunit2.TestKit
{
    protected static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    protected static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    protected static readonly SessionStoreSettings StoreSettings = SessionStoreSettings.Default with
    {
        TouchFlushInterval = TimeSpan.FromSeconds(1),
        MinBackoff = TimeSpan.FromSeconds(1),
        MaxBackoff = TimeSpan.FromSeconds(8),
    };

    /// <param name="storeAcceptsItemChanges">Whether the fake store takes writes of only what changed, or keeps whole rows.</param>
    /// <param name="storeFindsById">Whether the fake store reads rows by id (and its loads read a snapshot, as SQLite's and PostgreSQL's do), so the container serves while it recovers.</param>
    protected StoreSpecBase(bool storeAcceptsItemChanges = false, bool storeFindsById = false)
        : base("""
            akka.loglevel = WARNING
            akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
            """)
    {
        Store = new FakeSessionStore { AcceptsItemChanges = storeAcceptsItemChanges, FindsById = storeFindsById, SnapshotLoads = storeFindsById };
    }

    protected FakeTimeProvider Clock { get; } = new(Start);

    protected FakeSessionStore Store { get; }

    protected TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    protected static SessionSettings Settings(Func<SessionSettings, SessionSettings>? change = null)
    {
        var settings = SessionSettings.Default with { CleanupInterval = TimeSpan.FromHours(1) };
        return change is null ? settings : change(settings);
    }

    private protected IActorRef NewContainer(SessionSettings? settings = null, SessionStoreSettings? storeSettings = null, CommitYield? commitYield = null) =>
        Sys.ActorOf(SessionContainer.Props(new SessionContainerOptions(settings ?? Settings())
        {
            TimeProvider = Clock,
            Store = Store,
            StoreSettings = storeSettings ?? StoreSettings,
            CommitYield = commitYield,
        }));

    /// <summary>A new container whose recovery has begun reading the store's rows and is held there until <c>Store.ReleaseLoads()</c>.</summary>
    protected async Task<IActorRef> NewContainerStillLoading(SessionSettings? settings = null, SessionStoreSettings? storeSettings = null)
    {
        Store.HoldLoads();
        var container = NewContainer(settings, storeSettings);
        await Store.LoadStarted();
        return container;
    }

    protected static Task<T> Ask<T>(IActorRef container, object message) => container.Ask<T>(message, AskTimeout);

    protected static async Task<Session> OpenNew(IActorRef container) =>
        (await Ask<SessionOpened>(container, new OpenSession())).Session;

    protected static Task<SessionStoreStats> StoreStats(IActorRef container) =>
        Ask<SessionStoreStats>(container, GetSessionStoreStats.Instance);

    /// <summary>Asks and expects a failure carrying a <see cref="SessionStoreUnavailableException"/>.</summary>
    protected static async Task<SessionStoreUnavailableException> AskFails(IActorRef container, object message) =>
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => container.Ask<object>(message, AskTimeout));

    /// <summary>Makes a commit fail so the container marks the store unavailable.</summary>
    protected async Task BreakStore(IActorRef container, Session session)
    {
        Store.Fault = new IOException("disk on fire");
        await AskFails(container, new SaveSession(session.SetString("broken", "yes")));
        Assert.False((await StoreStats(container)).Available);
    }

    protected async Task AwaitAvailable(IActorRef container) =>
        await AwaitAssertAsync(async () => Assert.True((await StoreStats(container)).Available), TimeSpan.FromSeconds(5));

    /// <summary>A probe of the lifecycle events the container publishes.</summary>
    protected TestProbe Events()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionCreated));
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionEnded));
        return events;
    }

    /// <summary>
    /// Every event published so far, in order, with no waiting for silence: once the container has answered
    /// a later message it has published all it will of earlier ones, and a marker published now arrives
    /// behind them.
    /// </summary>
    protected async Task<List<object>> PublishedSoFar(TestProbe events, IActorRef container)
    {
        await Ask<SessionStats>(container, GetSessionStats.Instance);
        var marker = new SessionEnded("end-of-events-marker", SessionEndReason.Deleted);
        Sys.EventStream.Publish(marker);
        var published = new List<object>();
        for (var message = events.ExpectMsg<object>(AskTimeout); !ReferenceEquals(message, marker); message = events.ExpectMsg<object>(AskTimeout))
        {
            published.Add(message);
        }

        return published;
    }

    /// <summary>A stored row's data, decoded; fails the spec when it cannot be.</summary>
    protected static SessionData Decode(SessionRecord record)
    {
        Assert.True(SessionDataCodec.TryDecode(record.Data, out var data, out var error), error);
        return data;
    }

    protected static SessionRecord Row(string id, DateTimeOffset lastModified, long version = 3, string? value = "v", DateTimeOffset? created = null, TimeSpan? idle = null) =>
        new(
            id,
            SessionDataCodec.Encode(value is null ? SessionData.Empty : SessionData.Empty.SetItem("k", System.Text.Encoding.UTF8.GetBytes(value).ToImmutableArray())),
            created ?? lastModified,
            lastModified,
            version,
            lastModified + (idle ?? TimeSpan.FromMinutes(30)));
}
