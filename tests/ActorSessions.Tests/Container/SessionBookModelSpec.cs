using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorSessions.Tests.Container;

/// <summary>
/// The book against a plain model of its rules, over thousands of random requests: open, create, save,
/// update, delete, renew, get, touch, time passing, cleanup, clock adjustments and commits that fail (their
/// writes restored, as the container does). After every step the reply, the recorded changes and the
/// sessions held agree with the model.
/// </summary>
public sealed class SessionBookModelSpec
{
    // One tick of the book's monotonic clock a second.
    private const long Frequency = 1;
    private const long IdleSeconds = 30;
    private const long AbsoluteSeconds = 100;
    private const int MaxSessions = 6;
    private const int MaxKeys = 4;
    private const long MaxBytes = 40;
    private const long WallStart = 638_999_999_990_000_000;

    private static readonly string[] Keys = ["a", "b", "c", "d", "e", "f"];

    private static readonly SessionSettings Settings = SessionSettings.Default with
    {
        IdleTimeout = TimeSpan.FromSeconds(IdleSeconds),
        AbsoluteTimeout = TimeSpan.FromSeconds(AbsoluteSeconds),
        MaxSessions = MaxSessions,
        MaxKeysPerSession = MaxKeys,
        MaxSessionBytes = MaxBytes,
        MaxMemory = null,
    };

    private readonly BookChanges _changes = new();
    private readonly Dictionary<string, Model> _model = new(StringComparer.Ordinal);
    private readonly List<string> _gone = [];
    private SessionBook _book = null!;
    private Random _random = null!;
    private SessionIdGenerator _ids = null!;
    private long _now;
    private int _failedCommits;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Random_requests_keep_the_book_equal_to_a_simple_model(int seed)
    {
        _random = new Random(seed);
        _ids = new SessionIdGenerator(Settings.SessionIdLength);
        _book = new SessionBook(Settings, Frequency, sessionFactory: null, NullLogger.Instance);
        _now = 1_000;

        for (var step = 0; step < 5_000; step++)
        {
            var before = new Dictionary<string, Model>(_model, StringComparer.Ordinal);
            var writable = _random.Next(10) != 0;
            _changes.Clear();
            var request = Step(writable);

            CheckHappenedAreExpired(before);
            if (_changes.Wrote && _random.Next(4) == 0)
            {
                FailTheCommit(before);
            }

            try
            {
                CheckState();
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}, step {step}, after {request}: {e.Message}");
            }
        }

        // The run exercised what it claims to.
        Assert.True(_failedCommits > 50, $"only {_failedCommits} failed commits");
    }

    private string Step(bool writable)
    {
        switch (_random.Next(22))
        {
            case < 3:
                var openId = PickId();
                Open(openId, writable);
                return $"open {openId}";
            case < 5:
                Create(RandomData(), writable);
                return "create";
            case < 8:
                var saveId = PickId();
                Save(saveId, writable);
                return $"save {saveId}";
            case < 10:
                var updateId = PickId();
                Update(updateId, writable);
                return $"update {updateId}";
            case 10:
                var deleteId = PickId();
                Delete(deleteId, writable);
                return $"delete {deleteId}";
            case 11:
                var renewId = PickId();
                Renew(renewId, writable);
                return $"renew {renewId}";
            case < 14:
                var getId = PickId();
                Read(getId, touch: false, writable);
                return $"get {getId}";
            case < 16:
                var touchId = PickId();
                Read(touchId, touch: true, writable);
                return $"touch {touchId}";
            case < 20:
                var seconds = _random.Next(0, 25);
                _now += seconds;
                return $"advance {seconds}s";
            case 20:
                Cleanup(writable);
                return "cleanup";
            default:
                AdjustTime(writable);
                return "adjust time";
        }
    }

    private BookTurn Turn(bool writable) => new(_now, Wall, writable, _changes);

    private long Wall => WallStart + (_now * TimeSpan.TicksPerSecond);

    // ----- Requests, each with the model's rules written out -----

    private void Open(string id, bool writable)
    {
        var reply = _book.Handle(new OpenSession(id), Turn(writable));
        if (LookUp(id) is { } held)
        {
            var opened = Assert.IsType<SessionOpened>(reply);
            Assert.False(opened.IsNew);
            AssertSession(id, held, opened.Session);
            _model[id] = held with { LastTouched = _now };
            Assert.Equal([id], _changes.Touched);
            Assert.False(_changes.Wrote);
            return;
        }

        ExpectCreated(reply, SessionData.Empty, version: 0, writable);
    }

    private void Create(SessionData data, bool writable)
    {
        var reply = _book.Handle(new CreateSession(data), Turn(writable));
        ExpectCreated(reply, data, version: data.IsEmpty ? 0 : 1, writable);
    }

    private void ExpectCreated(object reply, SessionData data, long version, bool writable)
    {
        if (!writable)
        {
            ExpectRefused(reply);
            return;
        }

        if (OverLimit(data, SessionData.Empty))
        {
            Assert.IsType<SessionTooLargeException>(reply);
            Assert.False(_changes.Wrote);
            return;
        }

        var opened = Assert.IsType<SessionOpened>(reply);
        Assert.True(opened.IsNew);
        var id = opened.Session.Id;
        Assert.False(_model.ContainsKey(id));

        // Room is made first: each session ended is an expired one (happened, no write) or a victim (a write).
        var expired = _changes.Happened.OfType<SessionEnded>().Where(e => _model.ContainsKey(e.SessionId)).Select(e => e.SessionId).ToList();
        var evicted = _changes.AfterCommit.OfType<SessionEnded>().ToList();
        Assert.All(evicted, e => Assert.Equal(SessionEndReason.Evicted, e.Reason));
        Assert.Equal(Math.Max(0, _model.Count + 1 - MaxSessions), expired.Count + evicted.Count);
        foreach (var victim in evicted)
        {
            Assert.True(_model.Remove(victim.SessionId), "an eviction ended a session not held");
            _gone.Add(victim.SessionId);
        }

        foreach (var gone in expired)
        {
            _model.Remove(gone);
            _gone.Add(gone);
        }

        Assert.Equal([.. evicted.Select(e => (e.SessionId, true)), (id, false)], _changes.Writes.Select(w => (w.Id, w.Before.Existed)));
        Assert.Equal(new SessionCreated(id, new DateTimeOffset(Wall, TimeSpan.Zero)), _changes.AfterCommit[^1]);
        Assert.Equal(evicted.Count + 1, _changes.AfterCommit.Count);
        Assert.Equal((data, version), (opened.Session.Data, opened.Session.Version));
        _model[id] = new Model(data, version, Created: _now, LastTouched: _now, CreatedAtTicks: Wall);
    }

    private void Save(string id, bool writable)
    {
        var held = _model.TryGetValue(id, out var m) ? m : default;
        var checkVersion = _random.Next(3) == 0;
        var version = _random.Next(4) == 0 ? held.Version + 1 : held.Version;
        var data = RandomData();
        var reply = _book.Handle(new SaveSession(new Session(id, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, version, data), checkVersion), Turn(writable));
        if (id.Length == 0)
        {
            Assert.IsType<ArgumentException>(reply);
            return;
        }

        if (LookUp(id) is not { } live)
        {
            Assert.IsType<SessionNotFound>(reply);
            Assert.False(_changes.Wrote);
            return;
        }

        if (checkVersion && version != live.Version)
        {
            Assert.Equal(live.Version, Assert.IsType<SessionVersionConflict>(reply).Current.Version);
            Assert.False(_changes.Wrote);
            return;
        }

        ExpectWritten(id, live, data, reply, writable);
    }

    private void Update(string id, bool writable)
    {
        var set = _random.Next(4) == 0 ? SessionData.Empty : RandomData();
        var remove = _random.Next(3) == 0 ? ImmutableArray.Create(Keys[_random.Next(Keys.Length)]) : default;
        var clear = _random.Next(10) == 0;
        var reply = _book.Handle(new UpdateSession(id, set, remove, clear), Turn(writable));
        if (id.Length == 0)
        {
            Assert.IsType<ArgumentException>(reply);
            return;
        }

        if (LookUp(id) is not { } live)
        {
            Assert.IsType<SessionNotFound>(reply);
            Assert.False(_changes.Wrote);
            return;
        }

        if (!clear && set.IsEmpty && remove.IsDefaultOrEmpty)
        {
            // Touch-only, kept for older callers: no write.
            AssertSession(id, live, Assert.IsType<SessionSaved>(reply).Session);
            _model[id] = live with { LastTouched = _now };
            Assert.Equal([id], _changes.Touched);
            Assert.False(_changes.Wrote);
            return;
        }

        var data = clear ? SessionData.Empty : live.Data;
        if (!remove.IsDefaultOrEmpty)
        {
            data = data.RemoveRange(remove);
        }

        ExpectWritten(id, live, data.SetItems(set), reply, writable);
    }

    private void ExpectWritten(string id, Model live, SessionData data, object reply, bool writable)
    {
        if (OverLimit(data, live.Data))
        {
            Assert.IsType<SessionTooLargeException>(reply);
            Assert.False(_changes.Wrote);
            return;
        }

        if (!writable)
        {
            ExpectRefused(reply);
            return;
        }

        var written = live with { Data = data, Version = live.Version + 1, LastTouched = _now };
        AssertSession(id, written, Assert.IsType<SessionSaved>(reply).Session);
        var write = Assert.Single(_changes.Writes);
        Assert.Equal((id, true, live.Data, live.Version), (write.Id, write.Before.Existed, write.Before.Data, write.Before.Version));
        Assert.Empty(_changes.AfterCommit);
        _model[id] = written;
    }

    private void Delete(string id, bool writable)
    {
        var reply = _book.Handle(new DeleteSession(id), Turn(writable));
        if (id.Length == 0)
        {
            Assert.IsType<ArgumentException>(reply);
            return;
        }

        if (LookUp(id) is null)
        {
            Assert.False(Assert.IsType<SessionDeleted>(reply).Existed);
            Assert.False(_changes.Wrote);
            return;
        }

        if (!writable)
        {
            ExpectRefused(reply);
            return;
        }

        Assert.True(Assert.IsType<SessionDeleted>(reply).Existed);
        Assert.Equal([(id, true)], _changes.Writes.Select(w => (w.Id, w.Before.Existed)));
        Assert.Equal([new SessionEnded(id, SessionEndReason.Deleted)], _changes.AfterCommit);
        _model.Remove(id);
        _gone.Add(id);
    }

    private void Renew(string id, bool writable)
    {
        var reply = _book.Handle(new RenewSessionId(id), Turn(writable));
        if (id.Length == 0)
        {
            Assert.IsType<ArgumentException>(reply);
            return;
        }

        if (LookUp(id) is not { } live)
        {
            Assert.IsType<SessionNotFound>(reply);
            Assert.False(_changes.Wrote);
            return;
        }

        if (!writable)
        {
            ExpectRefused(reply);
            return;
        }

        var renewed = Assert.IsType<SessionRenewed>(reply);
        var newId = renewed.Session.Id;
        Assert.Equal(id, renewed.PreviousId);
        Assert.False(_model.ContainsKey(newId));
        AssertSession(newId, live, renewed.Session);
        Assert.Equal([(id, true), (newId, false)], _changes.Writes.Select(w => (w.Id, w.Before.Existed)));
        Assert.Equal(
            [new SessionEnded(id, SessionEndReason.Renewed), new SessionCreated(newId, new DateTimeOffset(live.CreatedAtTicks, TimeSpan.Zero), id)],
            _changes.AfterCommit);
        _model.Remove(id);
        _gone.Add(id);
        _model[newId] = live with { LastTouched = _now };
    }

    private void Read(string id, bool touch, bool writable)
    {
        var reply = _book.Handle(touch ? new TouchSession(id) : new GetSession(id), Turn(writable));
        if (id.Length == 0)
        {
            Assert.IsType<ArgumentException>(reply);
            return;
        }

        Assert.False(_changes.Wrote);
        if (LookUp(id) is not { } live)
        {
            Assert.Equal(id, Assert.IsType<SessionNotFound>(reply).SessionId);
            Assert.Empty(_changes.Touched);
            return;
        }

        AssertSession(id, live, Assert.IsType<SessionFound>(reply).Session);
        if (touch)
        {
            _model[id] = live with { LastTouched = _now };
            Assert.Equal([id], _changes.Touched);
        }
        else
        {
            Assert.Empty(_changes.Touched);
        }
    }

    private void Cleanup(bool writable)
    {
        var removed = _book.EndExpired(1_000, Turn(writable));
        var ended = _changes.Happened.OfType<SessionEnded>().Select(e => e.SessionId).ToHashSet();
        Assert.Equal(ended.Count, removed);
        Assert.False(_changes.Wrote);

        // Every expired session ends, except that one put back by a failed commit may wait for a later
        // cleanup: its place in the creation order is off (SessionBook.Restore says so; reads check it).
        var expired = _model.Where(p => IsExpired(p.Value)).ToList();
        Assert.Subset(expired.Select(p => p.Key).ToHashSet(), ended);
        Assert.Subset(ended, expired.Where(p => !p.Value.PutBack).Select(p => p.Key).ToHashSet());
        foreach (var id in ended)
        {
            _model.Remove(id);
            _gone.Add(id);
        }
    }

    private void AdjustTime(bool writable)
    {
        var delta = TimeSpan.FromMinutes(_random.Next(-60, 61));
        var reply = _book.AdjustTime(new AdjustTime(delta), Turn(writable));
        Assert.Equal(_model.Count, Assert.IsType<TimeAdjusted>(reply).Sessions);
        Assert.True(_changes.TouchedAll);
        Assert.False(_changes.Wrote);
        foreach (var (id, m) in _model.ToList())
        {
            _model[id] = m with { CreatedAtTicks = m.CreatedAtTicks + delta.Ticks };
        }
    }

    // ----- A commit that fails: the container restores the writes newest first -----

    private void FailTheCommit(Dictionary<string, Model> before)
    {
        _failedCommits++;
        _book.Restore(Enumerable.Reverse(_changes.Writes), _now);

        // Every session written is as it was before; one put back counts as just touched. An expiry is no
        // write: it stays.
        foreach (var id in _changes.Writes.Select(w => w.Id).Distinct())
        {
            if (before.TryGetValue(id, out var was))
            {
                _model[id] = was with { LastTouched = _now, PutBack = was.PutBack || !_model.ContainsKey(id) };
            }
            else
            {
                _model.Remove(id);
            }
        }
    }

    // ----- The model's checks -----

    /// <summary>The live session the model holds under <paramref name="id"/>; an expired one ends here, as it must have in the book.</summary>
    private Model? LookUp(string id)
    {
        if (!_model.TryGetValue(id, out var m))
        {
            return null;
        }

        if (IsExpired(m))
        {
            _model.Remove(id);
            _gone.Add(id);
            Assert.Contains(new SessionEnded(id, SessionEndReason.Expired), _changes.Happened);
            return null;
        }

        return m;
    }

    private bool IsExpired(Model m) => _now - m.LastTouched >= IdleSeconds || _now - m.Created >= AbsoluteSeconds;

    /// <summary>Every expiry the book reported ended a session the model holds as expired (or has just ended).</summary>
    private void CheckHappenedAreExpired(Dictionary<string, Model> before)
    {
        foreach (var ended in _changes.Happened.Cast<SessionEnded>())
        {
            Assert.Equal(SessionEndReason.Expired, ended.Reason);
            Assert.True(before.TryGetValue(ended.SessionId, out var m) && IsExpired(m), $"{ended.SessionId} ended as expired but was live");
            Assert.False(_model.ContainsKey(ended.SessionId));
        }
    }

    private void CheckState()
    {
        Assert.Equal(_model.Count, _book.Count);
        foreach (var (id, m) in _model)
        {
            Assert.True(_book.TryGetStored(id, out var stored), $"the book lost {id}");
            Assert.Equal((m.Data, m.Version, m.CreatedAtTicks), (stored.Data, stored.Version, stored.CreatedAtTicks));
        }
    }

    private void ExpectRefused(object reply)
    {
        Assert.Same(SessionBook.WritesRefused, reply);
        Assert.False(_changes.Wrote);
        Assert.Empty(_changes.AfterCommit);
    }

    private static bool OverLimit(SessionData data, SessionData before) =>
        (data.Count > MaxKeys && data.Count > before.Count) ||
        (SessionSize.Of(data) > MaxBytes && SessionSize.Of(data) > SessionSize.Of(before));

    private static void AssertSession(string id, Model expected, Session actual) =>
        Assert.Equal((id, expected.Data, expected.Version), (actual.Id, actual.Data, actual.Version));

    private string PickId()
    {
        var held = _model.Keys.ToArray();
        return _random.Next(12) switch
        {
            < 7 when held.Length > 0 => held[_random.Next(held.Length)],
            < 9 when _gone.Count > 0 => _gone[_random.Next(Math.Max(0, _gone.Count - 20), _gone.Count)],
            9 => "not-a-session-id",
            10 => string.Empty,
            _ => _ids.Next(),
        };
    }

    private SessionData RandomData()
    {
        var data = SessionData.Empty;
        for (var i = _random.Next(0, 6); i > 0; i--)
        {
            var value = new byte[_random.Next(0, 16)];
            _random.NextBytes(value);
            data = data.SetItem(Keys[_random.Next(Keys.Length)], [.. value]);
        }

        return data;
    }

    /// <param name="PutBack">Re-added by a failed commit's restore, so out of its place in the creation order.</param>
    private readonly record struct Model(SessionData Data, long Version, long Created, long LastTouched, long CreatedAtTicks, bool PutBack = false);
}
