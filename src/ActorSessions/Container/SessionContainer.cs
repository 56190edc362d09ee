using System.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace ActorSessions;

/// <summary>
/// Owns a session dictionary. Its mailbox is the global lock of the seed's container: every request is
/// handled on its own, so creating, reading, writing and deleting sessions are serialized without a lock,
/// and the last writer wins unless a save asks for a version check.
/// </summary>
/// <remarks>
/// <para>Send it the messages of the protocol (<see cref="OpenSession"/>, <see cref="SaveSession"/>, ...)
/// with <c>Tell</c> from an actor, or <c>Ask</c> them (with a timeout) from outside; the answer goes to
/// the sender.</para>
/// <para>A request it cannot accept is answered with <see cref="Status.Failure"/> carrying an
/// <see cref="ArgumentException"/>, and changes nothing. The actor never restarts because of a message:
/// a restart would drop every session.</para>
/// <para>As the one writer it holds the limits of <see cref="SessionSettings"/> itself, so concurrent
/// requests cannot pass them: a write that would leave a session over
/// <see cref="SessionSettings.MaxKeysPerSession"/> or <see cref="SessionSettings.MaxSessionBytes"/> is
/// answered with a <see cref="SessionTooLargeException"/> and changes nothing; one that would pass
/// <see cref="SessionSettings.MaxMemory"/> first evicts others, as a new session beyond
/// <see cref="SessionSettings.MaxSessions"/> does.</para>
/// </remarks>
public sealed partial class SessionContainer : ReceiveActor, IWithTimers
{
    private const string CleanupTimerKey = "cleanup";

    private readonly SessionSettings _settings;
    private readonly TimeProvider _time;
    private readonly Func<Session, Session>? _sessionFactory;
    private readonly SessionTable _table;
    private readonly SessionIdGenerator _ids;
    private readonly long _idleTimeout;
    private readonly long _absoluteTimeout;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SessionContainerMetrics _metrics;
    private readonly RetiredIds _retiredIds;

    // Figures for GetSessionStats.
    private long _created;
    private long _expired;
    private long _deleted;
    private long _evicted;
    private long _renewed;
    private TimeSpan _lastCleanupDuration;
    private int _lastCleanupRemoved;

    // A cleanup in progress: it runs in chunks, with other messages served between them.
    private readonly List<IActorRef> _cleanupWaiters = [];
    private bool _cleanupRunning;
    private int _cleanupRemoved;
    private TimeSpan _cleanupElapsed;

    /// <summary>Creates the actor; use <see cref="Props(SessionSettings, TimeProvider?, Func{Session, Session}?)"/>.</summary>
    public SessionContainer(SessionSettings settings, TimeProvider timeProvider, Func<Session, Session>? sessionFactory)
    {
        _settings = settings;
        _time = timeProvider;
        _sessionFactory = sessionFactory;
        _ids = new SessionIdGenerator(settings.SessionIdLength);
        _table = NewTable(settings, timeProvider);
        _idleTimeout = ToTimestampTicks(settings.IdleTimeout, timeProvider);
        _absoluteTimeout = settings.AbsoluteTimeout is { } absolute ? ToTimestampTicks(absolute, timeProvider) : long.MaxValue;
        _retiredIds = new RetiredIds(timeProvider.TimestampFrequency);
        _metrics = new SessionContainerMetrics(Self.Path.ToStringWithoutAddress(), () => _table.Count);

        Receive<OpenSession>(m => Reply(Handle(m)));
        Receive<SaveSession>(m => Reply(Handle(m)));
        Receive<UpdateSession>(m => Reply(Handle(m)));
        Receive<GetSession>(m => Reply(Handle(m)));
        Receive<DeleteSession>(m => Reply(Handle(m)));
        Receive<RenewSessionId>(m => Reply(Handle(m)));
        Receive<AdjustTime>(m => Reply(Handle(m)));
        Receive<SessionBatch>(Handle);
        Receive<GetSessionStats>(_ => Sender.Tell(Stats()));
        Receive<CleanupSessions>(_ =>
        {
            // A cleanup sent with no sender (Tell from outside any actor) has no one to answer.
            if (!Sender.IsNobody() && !Sender.Equals(Context.System.DeadLetters))
            {
                _cleanupWaiters.Add(Sender);
            }

            StartCleanup();
        });
        Receive<CleanupTick>(_ => StartCleanup());
        Receive<ContinueCleanup>(_ => RunCleanupChunk());
        Receive<FlushSessionStore>(_ => Flush());
        Receive<GetSessionStoreStats>(_ => Sender.Tell(StoreStats()));
    }

    /// <summary>Set by Akka before the actor starts; runs the periodic cleanup.</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The <see cref="Akka.Actor.Props"/> to start a container with.</summary>
    /// <param name="settings">Its settings, e.g. <see cref="SessionSettings.Default"/> or <see cref="SessionSettings.Create"/>.</param>
    /// <param name="timeProvider">Its clock; <see cref="TimeProvider.System"/> when <see langword="null"/>. Tests pass a <c>FakeTimeProvider</c>.</param>
    /// <param name="sessionFactory">
    /// The seed's <c>_createSession</c>: called with every new, empty session, it returns the session to
    /// store, e.g. with initial data. Only the returned session's data is kept. An exception it throws
    /// fails that request and creates nothing.
    /// </param>
    public static Props Props(SessionSettings settings, TimeProvider? timeProvider = null, Func<Session, Session>? sessionFactory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var time = timeProvider ?? TimeProvider.System;
        return Akka.Actor.Props.Create(() => new SessionContainer(settings, time, sessionFactory));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(CleanupTimerKey, CleanupTick.Instance, _settings.CleanupInterval);
        StartStore();
    }

    /// <inheritdoc />
    protected override void PostStop() => _metrics.Dispose();

    /// <summary>
    /// The last line of defence: a bug that throws while handling one message must not restart the actor,
    /// since a restart drops every session. The sender gets the failure; the error is logged.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            _log.Error(e, "The session container failed to handle {0}; it keeps running with its sessions.", message.GetType().Name);
            if (!Sender.IsNobody())
            {
                Sender.Tell(new Status.Failure(e));
            }

            return true;
        }
    }

    private object Handle(OpenSession open)
    {
        var now = Now();
        if (open.SessionId is { } id)
        {
            var slot = FindLive(id, now);
            if (slot != SessionTable.None)
            {
                // Opened again by its id: its holder came back, so it is protected.
                _table.Touch(slot, now, WallTicks(), cameBack: true);
                Touched(slot);
                return new SessionOpened(Snapshot(slot), IsNew: false);
            }
        }

        // Strict: an id we do not hold is never adopted, so an attacker cannot plant a known id.
        if (StoreRefusal() is { } refusal)
        {
            return refusal;
        }

        if (CreateSession(now, out var created) is { } failure)
        {
            return failure;
        }

        return new SessionOpened(created, IsNew: true);
    }

    private object Handle(SaveSession save)
    {
        if (save.Session is null)
        {
            return Refused(new ArgumentNullException(nameof(SaveSession.Session), "SaveSession needs a session."));
        }

        if (Invalid(save.Session.Id, nameof(SaveSession)) is { } badId)
        {
            return Refused(badId);
        }

        var now = Now();
        var slot = FindLive(save.Session.Id, now);
        if (slot == SessionTable.None)
        {
            return NotFound(save.Session.Id);
        }

        ref var entry = ref _table[slot];
        if (save.CheckVersion && save.Session.Version != entry.Version)
        {
            return new SessionVersionConflict(Snapshot(slot), save.Session.Version);
        }

        var bytes = SessionSize.Of(save.Session.Data);
        var bytesBefore = SessionSize.Of(entry.Data);
        if (OverLimit(save.Session.Data, bytes, entry.Data, bytesBefore) is { } tooLarge)
        {
            return tooLarge;
        }

        if (StoreRefusal() is { } refusal)
        {
            return refusal;
        }

        BeforeWrite(save.Session.Id, slot);
        MakeRoom(now, sessions: 0, SessionSize.Memory(bytes, save.Session.Data.Count) - SessionSize.Memory(bytesBefore, entry.Data.Count), except: slot);
        _table.SetData(slot, save.Session.Data, bytes, bytesBefore);
        entry.Version++;
        _table.Touch(slot, now, WallTicks());
        return new SessionSaved(Snapshot(slot));
    }

    private object Handle(GetSession get)
    {
        if (Invalid(get.SessionId, nameof(GetSession)) is { } bad)
        {
            return Refused(bad);
        }

        var slot = FindLive(get.SessionId, Now());
        return slot == SessionTable.None ? NotFound(get.SessionId) : new SessionFound(Snapshot(slot));
    }

    private object Handle(DeleteSession delete)
    {
        if (Invalid(delete.SessionId, nameof(DeleteSession)) is { } bad)
        {
            return Refused(bad);
        }

        var slot = FindLive(delete.SessionId, Now());
        if (slot != SessionTable.None)
        {
            if (StoreRefusal() is { } refusal)
            {
                return refusal;
            }

            End(slot, SessionEndReason.Deleted);
        }

        return new SessionDeleted(delete.SessionId, Existed: slot != SessionTable.None);
    }

    private object Handle(RenewSessionId renew)
    {
        if (Invalid(renew.SessionId, nameof(RenewSessionId)) is { } bad)
        {
            return Refused(bad);
        }

        var now = Now();
        var slot = FindLive(renew.SessionId, now);
        if (slot == SessionTable.None)
        {
            return NotFound(renew.SessionId);
        }

        if (StoreRefusal() is { } refusal)
        {
            return refusal;
        }

        var newId = NewId();
        BeforeWrite(renew.SessionId, slot);
        BeforeWrite(newId, SessionTable.None);
        _table.Rename(slot, newId);
        _table.Touch(slot, now, WallTicks());
        _retiredIds.Add(renew.SessionId, now);
        var session = Snapshot(slot);
        AfterCommit(new SessionEnded(renew.SessionId, SessionEndReason.Renewed));
        AfterCommit(new SessionCreated(newId, session.CreatedAt, renew.SessionId));
        return new SessionRenewed(session, renew.SessionId);
    }

    private object Handle(AdjustTime adjust)
    {
        // Bounded so that no realistic stamp leaves DateTimeOffset's range; stamps are clamped besides.
        if (adjust.Delta.Duration() > MaxTimeAdjustment)
        {
            return Refused(new ArgumentOutOfRangeException(nameof(AdjustTime.Delta), adjust.Delta, $"AdjustTime accepts at most {MaxTimeAdjustment.TotalDays} days either way."));
        }

        var delta = adjust.Delta.Ticks;
        _table.ForEach((ref SessionTable.Entry e) =>
        {
            e.CreatedAtTicks = ShiftTicks(e.CreatedAtTicks, delta);
            e.LastModifiedTicks = ShiftTicks(e.LastModifiedTicks, delta);
        });
        TouchedAll();
        return new TimeAdjusted(_table.Count);
    }

    private static readonly TimeSpan MaxTimeAdjustment = TimeSpan.FromDays(36_525);

    private static long ShiftTicks(long ticks, long delta) =>
        Math.Clamp(ticks + delta, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks);

    private void StartCleanup()
    {
        StartStoreCleanup();
        if (_cleanupRunning)
        {
            return;
        }

        _cleanupRunning = true;
        _cleanupRemoved = 0;
        _cleanupElapsed = TimeSpan.Zero;
        RunCleanupChunk();
    }

    private void RunCleanupChunk()
    {
        var started = Stopwatch.GetTimestamp();
        var now = _time.GetTimestamp();
        var removed = 0;
        while (removed < _settings.CleanupBatchSize && NextExpired(now) is var slot && slot != SessionTable.None)
        {
            End(slot, SessionEndReason.Expired);
            removed++;
        }

        _cleanupRemoved += removed;
        _cleanupElapsed += Stopwatch.GetElapsedTime(started);
        if (removed == _settings.CleanupBatchSize)
        {
            // Behind whatever arrived meanwhile: those requests are served before the next chunk.
            Self.Tell(ContinueCleanup.Instance);
            return;
        }

        _cleanupRunning = false;
        _lastCleanupDuration = _cleanupElapsed;
        _lastCleanupRemoved = _cleanupRemoved;
        _metrics.CleanedUp(_cleanupElapsed);
        var done = new SessionsCleanedUp(_cleanupRemoved, _table.Count);
        foreach (var waiter in _cleanupWaiters)
        {
            waiter.Tell(done);
        }

        _cleanupWaiters.Clear();
    }

    /// <summary>A session whose idle or absolute timeout has passed, or <see cref="SessionTable.None"/>.</summary>
    private int NextExpired(long now)
    {
        var idle = _table.LeastRecentlyTouched;
        if (idle != SessionTable.None && IsExpired(idle, now))
        {
            return idle;
        }

        var oldest = _table.OldestCreated;
        return oldest != SessionTable.None && IsExpired(oldest, now) ? oldest : SessionTable.None;
    }

    private bool IsExpired(int slot, long now)
    {
        ref var e = ref _table[slot];
        return now - e.LastTouched >= _idleTimeout || now - e.Created >= _absoluteTimeout;
    }

    /// <summary>The live session with this id, or <see cref="SessionTable.None"/>; an expired one ends here and then.</summary>
    private int FindLive(string id, long now)
    {
        if (!SessionIdGenerator.IsWellFormed(id))
        {
            return SessionTable.None;
        }

        var slot = _table.Find(id);
        if (slot != SessionTable.None && IsExpired(slot, now))
        {
            End(slot, SessionEndReason.Expired);
            return SessionTable.None;
        }

        return slot;
    }

    /// <summary>Creates a session, or returns the failure to answer with; nothing changes on failure.</summary>
    private Status.Failure? CreateSession(long now, out Session created)
    {
        var id = NewId();
        var wall = WallTicks();
        created = new Session(id, new DateTimeOffset(wall, TimeSpan.Zero), new DateTimeOffset(wall, TimeSpan.Zero), 0, SessionData.Empty);
        if (_sessionFactory is not null)
        {
            Session made;
            try
            {
                made = _sessionFactory(created);
            }
            catch (Exception e)
            {
                _log.Warning("The session factory threw {0}: {1}", e.GetType().Name, e.Message);
                return new Status.Failure(new InvalidOperationException("The session factory failed; no session was created.", e));
            }

            if (made is null)
            {
                return new Status.Failure(new InvalidOperationException("The session factory returned null; no session was created."));
            }

            created = created with { Data = made.Data };
        }

        var bytes = SessionSize.Of(created.Data);
        if (OverLimit(created.Data, bytes, SessionData.Empty, 0) is { } tooLarge)
        {
            _log.Warning("The session factory made a session over the limits; no session was created: {0}", ((Exception)tooLarge.Cause).Message);
            return tooLarge;
        }

        MakeRoom(now, sessions: 1, SessionSize.Memory(bytes, created.Data.Count));

        BeforeWrite(id, SessionTable.None);
        _table.Add(id, created.Data, wall, now);
        AfterCommit(new SessionCreated(id, created.CreatedAt));
        return null;
    }

    private string NewId()
    {
        // 120 random bits make a clash all but impossible; the loop makes it impossible.
        string id;
        do
        {
            id = _ids.Next();
        }
        while (_table.Find(id) != SessionTable.None);

        return id;
    }

    private void End(int slot, SessionEndReason reason)
    {
        var id = _table[slot].Id!;
        if (reason is SessionEndReason.Deleted or SessionEndReason.Evicted)
        {
            BeforeWrite(id, slot);
        }

        _table.Remove(slot);
        if (reason == SessionEndReason.Deleted)
        {
            _retiredIds.Add(id, Now());
        }

        // Expiry is no write (the store's rows expire by themselves): it is told at once.
        var ended = new SessionEnded(id, reason);
        if (reason == SessionEndReason.Expired)
        {
            Apply(ended);
        }
        else
        {
            AfterCommit(ended);
        }
    }

    /// <summary>
    /// The effects of a change that happened: its counter, its metric and its event, in that order, once.
    /// A renewal's <see cref="SessionCreated"/> counts as the renewal its <see cref="SessionEnded"/> counted.
    /// </summary>
    private void Apply(object @event)
    {
        switch (@event)
        {
            case SessionCreated { PreviousId: null }:
                _created++;
                _metrics.Created();
                break;
            case SessionEnded ended:
                switch (ended.Reason)
                {
                    case SessionEndReason.Expired: _expired++; break;
                    case SessionEndReason.Deleted: _deleted++; break;
                    case SessionEndReason.Evicted: _evicted++; break;
                    case SessionEndReason.Renewed: _renewed++; break;
                }

                _metrics.Ended(ended.Reason);
                break;
        }

        Publish(@event);
    }

    private Session Snapshot(int slot)
    {
        ref var e = ref _table[slot];
        return new Session(
            e.Id!,
            new DateTimeOffset(e.CreatedAtTicks, TimeSpan.Zero),
            new DateTimeOffset(e.LastModifiedTicks, TimeSpan.Zero),
            e.Version,
            e.Data);
    }

    /// <summary>The answer for an id the container does not hold, saying whether a logout or renewal retired it just now.</summary>
    private SessionNotFound NotFound(string id) => new(id) { Retired = _retiredIds.Count > 0 && _retiredIds.Contains(id, Now()) };

    private SessionStats Stats() =>
        new(_table.Count, _created, _expired, _deleted, _evicted, _renewed, _lastCleanupDuration, _lastCleanupRemoved)
        {
            DataBytes = _table.DataBytes,
        };

    private void Publish(object @event) => Context.System.EventStream.Publish(@event);

    private static Status.Failure Refused(Exception error) => new(error);

    /// <summary>The monotonic clock; one reading for all the requests of a batch, which are served in one turn.</summary>
    private long Now() => _batchClock ? _batchNow : _time.GetTimestamp();

    /// <summary>The wall clock in UTC ticks; like <see cref="Now"/>, one reading for a batch.</summary>
    private long WallTicks() => _batchClock ? _batchWallTicks : _time.GetUtcNow().UtcTicks;

    private static ArgumentException? Invalid(string? id, string request) =>
        string.IsNullOrEmpty(id) ? new ArgumentException($"{request} needs a session id; it was null or empty.", "SessionId") : null;

    private static long ToTimestampTicks(TimeSpan span, TimeProvider time)
    {
        var ticks = span.TotalSeconds * time.TimestampFrequency;
        return ticks >= long.MaxValue ? long.MaxValue : (long)ticks;
    }

    /// <summary>The timer's cleanup: like <see cref="CleanupSessions"/> but with no one to answer.</summary>
    private sealed class CleanupTick
    {
        public static readonly CleanupTick Instance = new();
    }

    /// <summary>The next chunk of a cleanup in progress.</summary>
    private sealed class ContinueCleanup
    {
        public static readonly ContinueCleanup Instance = new();
    }
}
