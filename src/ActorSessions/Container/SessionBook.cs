using Microsoft.Extensions.Logging;

namespace ActorSessions;

/// <summary>
/// The session rules as plain code: the table of sessions and what each request does to it — open, touch,
/// create, save, update, get, delete, renew, adjust time, expiry, eviction, the limits and the counters.
/// No actor, no store and no clock of its own: every call is given the time, whether writes may be made
/// now, and a <see cref="BookChanges"/> to record the writes it made. The container serves its mailbox
/// with it; specs drive it directly.
/// </summary>
/// <remarks>
/// A reply is the protocol's answer, or an <see cref="Exception"/> for a request that failed (the
/// container sends it as <c>Status.Failure</c>), or <see cref="WritesRefused"/> when the request needed a
/// write while writes are refused. Whatever fails has changed nothing.
/// </remarks>
internal sealed partial class SessionBook
{
    /// <summary>The reply of a request that would have written while <see cref="BookTurn.Writable"/> was false; nothing changed.</summary>
    public static readonly object WritesRefused = new();

    private static readonly TimeSpan MaxTimeAdjustment = TimeSpan.FromDays(36_525);

    private readonly SessionSettings _settings;
    private readonly Func<Session, Session>? _sessionFactory;
    private readonly ILogger _log;
    private readonly SessionTable _table;
    private readonly SessionIdGenerator _ids;
    private readonly RetiredIds _retiredIds;
    private readonly long _idleTimeout;
    private readonly long _absoluteTimeout;

    private readonly int _partition;
    private readonly int _partitions;

    /// <summary>A book of partition <paramref name="partition"/> of <paramref name="partitions"/>: the ids it issues belong to it.</summary>
    public SessionBook(SessionSettings settings, long timestampFrequency, Func<Session, Session>? sessionFactory, ILogger log, int partition = 0, int partitions = 1)
    {
        _partition = partition;
        _partitions = partitions;
        _settings = settings;
        _sessionFactory = sessionFactory;
        _log = log;
        _ids = new SessionIdGenerator(settings.SessionIdLength);
        _table = new SessionTable((int)((long)settings.MaxSessions * ProtectedPercent / 100), ToTimestampTicks(settings.PromoteAfter, timestampFrequency));
        _retiredIds = new RetiredIds(timestampFrequency);
        _idleTimeout = ToTimestampTicks(settings.IdleTimeout, timestampFrequency);
        _absoluteTimeout = settings.AbsoluteTimeout is { } absolute ? ToTimestampTicks(absolute, timestampFrequency) : long.MaxValue;
        TimestampFrequency = timestampFrequency;
    }

    /// <summary>Sessions held, expired ones not yet cleaned up included.</summary>
    public int Count => _table.Count;

    /// <summary>Bytes of session data held.</summary>
    public long DataBytes => _table.DataBytes;

    public long TimestampFrequency { get; }

    /// <summary>The counters of what has happened: its owner counts each event once its change is durable.</summary>
    public BookCounters Counters { get; } = new();

    /// <summary>Serves one request about one session.</summary>
    public object Handle(ISessionRequest? request, in BookTurn turn) => request switch
    {
        OpenSession open => Open(open, turn),
        TouchSession touch => Touch(touch, turn),
        GetSession get => Get(get, turn),
        CreateSession create => Create(create, turn),
        SaveSession save => Save(save, turn),
        UpdateSession update => Update(update, turn),
        DeleteSession delete => Delete(delete, turn),
        RenewSessionId renew => Renew(renew, turn),
        null => new ArgumentNullException(nameof(SessionBatch.Requests), "The request was null."),
        _ => new ArgumentException(
            $"A session container serves OpenSession, TouchSession, GetSession, CreateSession, SaveSession, UpdateSession, DeleteSession and RenewSessionId, not {request.GetType().Name}.",
            nameof(SessionBatch.Requests)),
    };

    private object Open(OpenSession open, in BookTurn turn)
    {
        if (open.SessionId is { } id)
        {
            var slot = FindLive(id, turn);
            if (slot != SessionTable.None)
            {
                // Opened again by its id: its holder came back, so it is protected.
                _table.Touch(slot, turn.Now, turn.WallTicks, cameBack: true);
                turn.Changes.Touched.Add(_table[slot].Id!);
                return new SessionOpened(Snapshot(slot), IsNew: false);
            }
        }

        // Strict: an id we do not hold is never adopted, so an attacker cannot plant a known id.
        return CreateNew(default, turn) is var (created, failure) && failure is null
            ? new SessionOpened(created!, IsNew: true)
            : failure!;
    }

    private object Touch(TouchSession touch, in BookTurn turn)
    {
        if (InvalidId(touch.SessionId, nameof(TouchSession)) is { } bad)
        {
            return bad;
        }

        var slot = FindLive(touch.SessionId, turn);
        if (slot == SessionTable.None)
        {
            return NotFound(touch.SessionId, turn.Now);
        }

        // A later web request loading the session: its holder came back. Written behind, never waited for.
        _table.Touch(slot, turn.Now, turn.WallTicks, cameBack: true);
        turn.Changes.Touched.Add(_table[slot].Id!);
        return new SessionFound(Snapshot(slot));
    }

    private object Get(GetSession get, in BookTurn turn)
    {
        if (InvalidId(get.SessionId, nameof(GetSession)) is { } bad)
        {
            return bad;
        }

        var slot = FindLive(get.SessionId, turn);
        return slot == SessionTable.None ? NotFound(get.SessionId, turn.Now) : new SessionFound(Snapshot(slot));
    }

    private object Create(CreateSession create, in BookTurn turn)
    {
        if (InvalidKeys(create.Remove, nameof(CreateSession)) is { } badDelta)
        {
            return badDelta;
        }

        var (created, failure) = CreateNew(new Delta(create.Set, create.Remove, create.Clear), turn);
        return failure ?? new SessionOpened(created!, IsNew: true);
    }

    private object Save(SaveSession save, in BookTurn turn)
    {
        if (save.Session is null)
        {
            return new ArgumentNullException(nameof(SaveSession.Session), "SaveSession needs a session.");
        }

        if (InvalidId(save.Session.Id, nameof(SaveSession)) is { } badId)
        {
            return badId;
        }

        var slot = FindLive(save.Session.Id, turn);
        if (slot == SessionTable.None)
        {
            return NotFound(save.Session.Id, turn.Now);
        }

        ref var entry = ref _table[slot];
        if (save.CheckVersion && save.Session.Version != entry.Version)
        {
            return new SessionVersionConflict(Snapshot(slot), save.Session.Version);
        }

        return Write(slot, save.Session.Data, turn);
    }

    private object Update(UpdateSession update, in BookTurn turn)
    {
        if (InvalidId(update.SessionId, nameof(UpdateSession)) is { } badId)
        {
            return badId;
        }

        if (InvalidKeys(update.Remove, nameof(UpdateSession)) is { } badDelta)
        {
            return badDelta;
        }

        var slot = FindLive(update.SessionId, turn);
        if (slot == SessionTable.None)
        {
            return NotFound(update.SessionId, turn.Now);
        }

        if (update.IsTouchOnly)
        {
            // Kept for callers written before TouchSession: a touch, answered as a save, written behind.
            _table.Touch(slot, turn.Now, turn.WallTicks, cameBack: true);
            turn.Changes.Touched.Add(_table[slot].Id!);
            return new SessionSaved(Snapshot(slot));
        }

        return Write(slot, new Delta(update.Set, update.Remove, update.Clear).ApplyTo(_table[slot].Data), turn);
    }

    /// <summary>Replaces the data of a live session, checked against the limits first: a save or a delta.</summary>
    private object Write(int slot, SessionData data, in BookTurn turn)
    {
        ref var entry = ref _table[slot];
        var bytes = SessionSize.Of(data);
        var bytesBefore = SessionSize.Of(entry.Data);
        if (OverLimit(data, bytes, entry.Data, bytesBefore) is { } tooLarge)
        {
            return tooLarge;
        }

        if (!turn.Writable)
        {
            return WritesRefused;
        }

        var id = entry.Id!;
        turn.Changes.Writes.Add(new BookWrite(id, SessionImage.Of(ref entry)));
        MakeRoom(turn, sessions: 0, SessionSize.Memory(bytes, data.Count) - SessionSize.Memory(bytesBefore, entry.Data.Count), except: slot);
        _table.SetData(slot, data, bytes, bytesBefore);
        _table[slot].Version++;
        _table.Touch(slot, turn.Now, turn.WallTicks);
        return new SessionSaved(Snapshot(slot));
    }

    private object Delete(DeleteSession delete, in BookTurn turn)
    {
        if (InvalidId(delete.SessionId, nameof(DeleteSession)) is { } bad)
        {
            return bad;
        }

        var slot = FindLive(delete.SessionId, turn);
        if (slot != SessionTable.None)
        {
            if (!turn.Writable)
            {
                return WritesRefused;
            }

            End(slot, SessionEndReason.Deleted, turn);
        }

        return new SessionDeleted(delete.SessionId, Existed: slot != SessionTable.None);
    }

    private object Renew(RenewSessionId renew, in BookTurn turn)
    {
        if (InvalidId(renew.SessionId, nameof(RenewSessionId)) is { } bad)
        {
            return bad;
        }

        var slot = FindLive(renew.SessionId, turn);
        if (slot == SessionTable.None)
        {
            return NotFound(renew.SessionId, turn.Now);
        }

        if (!turn.Writable)
        {
            return WritesRefused;
        }

        var newId = NewId();
        turn.Changes.Writes.Add(new BookWrite(renew.SessionId, SessionImage.Of(ref _table[slot])));
        turn.Changes.Writes.Add(new BookWrite(newId, default));
        _table.Rename(slot, newId);
        _settled?.Add(renew.SessionId);
        _table.Touch(slot, turn.Now, turn.WallTicks);
        _retiredIds.Add(renew.SessionId, turn.Now);
        var session = Snapshot(slot);
        turn.Changes.AfterCommit.Add(new SessionEnded(renew.SessionId, SessionEndReason.Renewed));
        turn.Changes.AfterCommit.Add(new SessionCreated(newId, session.CreatedAt, renew.SessionId));
        return new SessionRenewed(session, renew.SessionId);
    }

    /// <summary>Shifts every session's stamps, as the seed's <c>adjustTime</c> does after the clock was changed.</summary>
    public object AdjustTime(AdjustTime adjust, in BookTurn turn)
    {
        // Bounded so that no realistic stamp leaves DateTimeOffset's range; stamps are clamped besides.
        if (adjust.Delta.Duration() > MaxTimeAdjustment)
        {
            return new ArgumentOutOfRangeException(nameof(ActorSessions.AdjustTime.Delta), adjust.Delta, $"AdjustTime accepts at most {MaxTimeAdjustment.TotalDays} days either way.");
        }

        var delta = adjust.Delta.Ticks;
        _table.ForEach((ref SessionTable.Entry e) =>
        {
            e.CreatedAtTicks = ShiftTicks(e.CreatedAtTicks, delta);
            e.LastModifiedTicks = ShiftTicks(e.LastModifiedTicks, delta);
        });
        turn.Changes.TouchedAll = true;
        return new TimeAdjusted(_table.Count);
    }

    /// <summary>Ends at most <paramref name="max"/> expired sessions; returns how many it ended.</summary>
    public int EndExpired(int max, in BookTurn turn)
    {
        var removed = 0;
        while (removed < max && NextExpired(turn.Now) is var slot && slot != SessionTable.None)
        {
            End(slot, SessionEndReason.Expired, turn);
            removed++;
        }

        return removed;
    }

    /// <summary>The current state of a session the book holds, for its store; <see langword="false"/> when it holds none.</summary>
    public bool TryGetStored(string id, out SessionImage state)
    {
        var slot = _table.Find(id);
        if (slot == SessionTable.None)
        {
            state = default;
            return false;
        }

        state = SessionImage.Of(ref _table[slot]);
        return true;
    }

    /// <summary>Calls <paramref name="visit"/> with every session's id.</summary>
    public void ForEachId(Action<string> visit) => _table.ForEach((ref SessionTable.Entry e) => visit(e.Id!));

    /// <summary>
    /// Puts sessions back as they were before undone writes, given newest first; for each session the last
    /// image given (the one before its first undone write) wins.
    /// </summary>
    public void Restore(IEnumerable<BookWrite> newestFirst, long now)
    {
        foreach (var (id, image) in newestFirst)
        {
            var slot = _table.Find(id);
            if (!image.Existed)
            {
                if (slot != SessionTable.None)
                {
                    _table.Remove(slot);
                }

                continue;
            }

            if (slot == SessionTable.None)
            {
                // Re-added as the most recently touched; only its place in the creation order is off,
                // which at worst lets cleanup reclaim it a little late (reads check expiry themselves).
                slot = _table.Add(id, image.Data, image.CreatedAtTicks, now);
            }

            ref var e = ref _table[slot];
            _table.SetData(slot, image.Data);
            e.Version = image.Version;
            e.CreatedAtTicks = image.CreatedAtTicks;
            e.LastModifiedTicks = image.LastModifiedTicks;
            e.Created = image.Created;
        }
    }

    /// <summary>The live session with this id, or <see cref="SessionTable.None"/>; an expired one ends here and then.</summary>
    /// <remarks>The one place an id's shape is checked: one no container could have issued is held by none.</remarks>
    private int FindLive(string id, in BookTurn turn)
    {
        if (!SessionIdGenerator.IsWellFormed(id))
        {
            return SessionTable.None;
        }

        var slot = _table.Find(id);
        if (slot != SessionTable.None && IsExpired(slot, turn.Now))
        {
            End(slot, SessionEndReason.Expired, turn);
            return SessionTable.None;
        }

        return slot;
    }

    /// <summary>Creates a session with the factory's data and then <paramref name="delta"/>, or returns the failure; nothing changes on failure.</summary>
    private (Session? Created, object? Failure) CreateNew(Delta delta, in BookTurn turn)
    {
        if (!turn.Writable)
        {
            return (null, WritesRefused);
        }

        var id = NewId();
        var wall = turn.WallTicks;
        var created = new Session(id, new DateTimeOffset(wall, TimeSpan.Zero), new DateTimeOffset(wall, TimeSpan.Zero), 0, SessionData.Empty);
        if (_sessionFactory is not null)
        {
            Session made;
            try
            {
                made = _sessionFactory(created);
            }
            catch (Exception e)
            {
                BookLog.SessionFactoryFailed(_log, e.GetType().Name, e.Message);
                return (null, new InvalidOperationException("The session factory failed; no session was created.", e));
            }

            if (made is null)
            {
                return (null, new InvalidOperationException("The session factory returned null; no session was created."));
            }

            created = created with { Data = made.Data };
        }

        if (!delta.IsEmpty)
        {
            created = created with { Data = delta.ApplyTo(created.Data), Version = 1 };
        }

        var bytes = SessionSize.Of(created.Data);
        if (OverLimit(created.Data, bytes, SessionData.Empty, 0) is { } tooLarge)
        {
            if (delta.IsEmpty)
            {
                BookLog.FactorySessionTooLarge(_log, tooLarge.Message);
            }

            return (null, tooLarge);
        }

        MakeRoom(turn, sessions: 1, SessionSize.Memory(bytes, created.Data.Count));
        turn.Changes.Writes.Add(new BookWrite(id, default));
        var slot = _table.Add(id, created.Data, wall, turn.Now);
        _table[slot].Version = created.Version;
        turn.Changes.AfterCommit.Add(new SessionCreated(id, created.CreatedAt));
        return (created, null);
    }

    private string NewId()
    {
        // 120 random bits make a clash all but impossible; the loop makes it impossible.
        string id;
        do
        {
            id = _partitions == 1 ? _ids.Next() : _ids.NextFor(_partition, _partitions);
        }
        while (_table.Find(id) != SessionTable.None);

        return id;
    }

    private void End(int slot, SessionEndReason reason, in BookTurn turn)
    {
        var id = _table[slot].Id!;
        var ended = new SessionEnded(id, reason);
        if (reason == SessionEndReason.Expired)
        {
            // Expiry is no write (the store's rows expire by themselves): it happened, now.
            turn.Changes.Happened.Add(ended);
        }
        else
        {
            turn.Changes.Writes.Add(new BookWrite(id, SessionImage.Of(ref _table[slot])));
            turn.Changes.AfterCommit.Add(ended);
        }

        _table.Remove(slot);
        _settled?.Add(id);
        if (reason == SessionEndReason.Deleted)
        {
            _retiredIds.Add(id, turn.Now);
        }
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

    /// <summary>The answer for an id the book does not hold, saying whether a logout or renewal retired it just now.</summary>
    private SessionNotFound NotFound(string id, long now) => new(id) { Retired = _retiredIds.Count > 0 && _retiredIds.Contains(id, now) };

    private static ArgumentException? InvalidId(string? id, string request) =>
        string.IsNullOrEmpty(id) ? new ArgumentException($"{request} needs a session id; it was null or empty.", "SessionId") : null;

    private static ArgumentException? InvalidKeys(System.Collections.Immutable.ImmutableArray<string> remove, string request)
    {
        if (!remove.IsDefaultOrEmpty)
        {
            foreach (var key in remove)
            {
                if (key is null)
                {
                    return new ArgumentException($"{request}.Remove holds a null key.", "Remove");
                }
            }
        }

        return null;
    }

    private static long ShiftTicks(long ticks, long delta) =>
        Math.Clamp(ticks + delta, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks);

    internal static long ToTimestampTicks(TimeSpan span, long frequency)
    {
        var ticks = span.TotalSeconds * frequency;
        return ticks >= long.MaxValue ? long.MaxValue : (long)ticks;
    }

    /// <summary>A change of some keys: cleared first if asked, then the removals, then the keys set.</summary>
    private readonly record struct Delta(SessionData Set, System.Collections.Immutable.ImmutableArray<string> Remove, bool Clear)
    {
        public bool IsEmpty => !Clear && Set.IsEmpty && Remove.IsDefaultOrEmpty;

        public SessionData ApplyTo(SessionData data)
        {
            if (Clear)
            {
                data = SessionData.Empty;
            }

            if (!Remove.IsDefaultOrEmpty)
            {
                data = data.RemoveRange(Remove);
            }

            return data.SetItems(Set);
        }
    }
}

/// <summary>The time and the rules of one turn of the container: one reading of each clock for all the requests it serves.</summary>
/// <param name="Now">The monotonic clock (<see cref="TimeProvider.GetTimestamp"/>), which expiry is measured on.</param>
/// <param name="WallTicks">The wall clock in UTC ticks, for the sessions' stamps.</param>
/// <param name="Writable">Whether writes may be made; when not, a request that needs one is answered <see cref="SessionBook.WritesRefused"/>.</param>
/// <param name="Changes">Where the writes and events of the turn are recorded.</param>
internal readonly record struct BookTurn(long Now, long WallTicks, bool Writable, BookChanges Changes);
