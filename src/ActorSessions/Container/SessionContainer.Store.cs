using ActorSessions.Storage;
using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace ActorSessions;

/// <summary>
/// Durability: the container with an <see cref="ISessionStore"/> under it. Memory still serves every read;
/// a write (create, save, delete, renew, evict) is applied in memory at once, and its answer is held back
/// until the transaction that carries it has committed. Writes that arrive while a transaction is in
/// flight wait and go together in the next one (group commit), so a lone write is never delayed by a
/// timer and many writes share one commit. If a commit fails, its writes and those queued behind it are
/// undone in memory and answered with <see cref="SessionStoreUnavailableException"/>; further writes fail
/// at once while the container probes the store with backoff, and reads go on. Store I/O runs on the
/// thread pool and comes back as messages, so it never blocks the mailbox and a store fault never
/// restarts the actor. A store that <see cref="ISessionStore.AcceptsItemChanges"/> is given only what
/// changed since a session's last commit: the keys set and removed, or the stamps alone for a touch.
/// </summary>
public sealed partial class SessionContainer : IWithUnboundedStash
{
    private const string TouchFlushTimerKey = "store-touch-flush";
    private const string StoreProbeTimerKey = "store-probe";
    private const int RecoveryChunkSize = 10_000;

    private readonly ISessionStore? _store;
    private readonly bool _storeTakesItems;
    private readonly SessionStoreSettings _storeSettings = SessionStoreSettings.Default;

    // How long before a batch's AnswerBy its writes must be handled: the commit in flight, then their own.
    private readonly long _answerMargin;

    // The batch being filled, and the one being committed (at most one at a time).
    private StoreBatch _open = new();
    private StoreBatch? _inFlight;

    // Sessions opened (touched) since the last write-behind; only their stamps changed.
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);

    // Sessions a failed commit carried: whether it landed is unknown, so once the store is back each is
    // written as memory holds it, whole (or deleted), never as a change to a row that may not be there.
    private readonly HashSet<string> _rewrites = new(StringComparer.Ordinal);

    private bool _recovering;
    private bool _storeAvailable = true;
    private bool _storeCleanupRunning;
    private TimeSpan _backoff;

    // Whether the message being handled wrote something, so its answer must wait for the commit.
    private bool _wrote;

    private long _commits;
    private long _committedWrites;
    private long _failedCommits;
    private long _probes;
    private int _recovered;
    private int _unreadable;
    private TimeSpan _recoveryDuration;
    private string? _lastStoreFailure;

    /// <summary>Creates the actor; use <see cref="Props(SessionSettings, TimeProvider?, Func{Session, Session}?, ISessionStore?, SessionStoreSettings?)"/>.</summary>
    public SessionContainer(
        SessionSettings settings,
        TimeProvider timeProvider,
        Func<Session, Session>? sessionFactory,
        ISessionStore? store,
        SessionStoreSettings? storeSettings)
        : this(settings, timeProvider, sessionFactory)
    {
        _store = store;
        _storeTakesItems = store?.AcceptsItemChanges ?? false;
        _storeSettings = storeSettings ?? SessionStoreSettings.Default;
        _answerMargin = (long)((_storeSettings.CommitTimeout * 2).TotalSeconds * Stopwatch.Frequency);
        _backoff = _storeSettings.MinBackoff;
        if (store is not null)
        {
            _metrics.AttachStore(PendingWrites, () => _storeAvailable && !_recovering);
        }

        Receive<CommitSucceeded>(_ => OnCommitSucceeded());
        Receive<CommitFailed>(OnCommitFailed);
        Receive<FlushTouches>(_ => FlushTouchesToBatch());
        Receive<ProbeStore>(_ => Probe());
        Receive<ProbeSucceeded>(_ => OnStoreBack());
        Receive<ProbeFailed>(OnProbeFailed);
        Receive<StoreCleanupDone>(done =>
        {
            _storeCleanupRunning = false;
            if (done.Error is { } error)
            {
                _log.Warning("The session store's cleanup failed ({0}); it is tried again with the next cleanup.", error.Message);
            }
            else if (done.Deleted > 0)
            {
                _log.Debug("The session store's cleanup deleted {0} expired rows.", done.Deleted);
            }
        });
    }

    /// <summary>Set by Akka: holds requests back while the container recovers its sessions from the store.</summary>
    public IStash Stash { get; set; } = null!;

    /// <summary>The <see cref="Akka.Actor.Props"/> to start a container with, durable when given a store.</summary>
    /// <param name="settings">Its settings.</param>
    /// <param name="timeProvider">Its clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="sessionFactory">Shapes every new session; see <see cref="Props(SessionSettings, TimeProvider?, Func{Session, Session}?)"/>.</param>
    /// <param name="store">
    /// Where sessions are made durable, or <see langword="null"/> for a container in memory only. The
    /// container recovers its sessions from it when it starts; the caller owns (and disposes) the store.
    /// </param>
    /// <param name="storeSettings">How the store is used; <see cref="SessionStoreSettings.Default"/> when <see langword="null"/>.</param>
    public static Props Props(
        SessionSettings settings,
        TimeProvider? timeProvider,
        Func<Session, Session>? sessionFactory,
        ISessionStore? store,
        SessionStoreSettings? storeSettings = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var time = timeProvider ?? TimeProvider.System;
        return Akka.Actor.Props.Create(() => new SessionContainer(settings, time, sessionFactory, store, storeSettings));
    }

    /// <summary>Called from <see cref="PreStart"/>: recovers the sessions and starts writing touches behind.</summary>
    private void StartStore()
    {
        if (_store is null)
        {
            return;
        }

        Timers.StartPeriodicTimer(TouchFlushTimerKey, FlushTouches.Instance, _storeSettings.TouchFlushInterval);
        _recovering = true;
        BecomeStacked(Recovering);
        StartRecovery();
    }

    // ----- Recovery -----

    private void Recovering()
    {
        Receive<RecoveredChunk>(ApplyRecovered);
        Receive<RecoveryDone>(OnRecoveryDone);
        Receive<RecoveryFailed>(failed =>
        {
            _lastStoreFailure = failed.Error.Message;
            _log.Error(failed.Error, "The session container cannot recover its sessions from the store; requests fail until it can. Retrying in {0}.", _backoff);
            Become(RecoveryUnavailable);
            Stash.UnstashAll();
            Timers.StartSingleTimer(StoreProbeTimerKey, RetryRecovery.Instance, NextBackoff());
        });
        Receive<GetSessionStoreStats>(_ => Sender.Tell(StoreStats()));
        ReceiveAny(_ => Stash.Stash());
    }

    /// <summary>The store could not be read at start: without its sessions the container cannot answer truthfully.</summary>
    private void RecoveryUnavailable()
    {
        Receive<RetryRecovery>(_ =>
        {
            Become(Recovering);
            StartRecovery();
        });
        Receive<GetSessionStoreStats>(_ => Sender.Tell(StoreStats()));
        ReceiveAny(message =>
        {
            if (!Sender.IsNobody() && !Sender.Equals(Self))
            {
                Sender.Tell(new Status.Failure(new SessionStoreUnavailableException(
                    $"The session container is recovering its sessions and cannot reach its store: {_lastStoreFailure}")));
            }
        });
    }

    private void StartRecovery()
    {
        var store = _store!;
        var self = Self;
        var log = _log;
        var now = _time.GetUtcNow();
        Task.Run(async () =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await store.InitializeAsync(CancellationToken.None).ConfigureAwait(false);
                var sessions = new List<RecoveredSession>();
                var unreadable = 0;
                await foreach (var row in store.LoadAsync(now, CancellationToken.None).ConfigureAwait(false))
                {
                    if (Decode(row, out var data, out var error))
                    {
                        sessions.Add(new RecoveredSession(row.Id, data, row.CreatedAt.UtcTicks, row.LastModified.UtcTicks, row.Version));
                    }
                    else
                    {
                        unreadable++;
                        log.Warning("The stored session {0} cannot be read ({1}); it is treated as no session.", row?.Id is { } id ? System.Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)).AsSpan(0, 8)) : "(null)", error);
                    }
                }

                // Least recently touched first: the idle list is kept sorted by appending in that order.
                sessions.Sort(static (a, b) => a.LastModifiedTicks.CompareTo(b.LastModifiedTicks));
                for (var i = 0; i < sessions.Count; i += RecoveryChunkSize)
                {
                    self.Tell(new RecoveredChunk(sessions.GetRange(i, Math.Min(RecoveryChunkSize, sessions.Count - i))));
                }

                self.Tell(new RecoveryDone(sessions.Count, unreadable, Stopwatch.GetElapsedTime(started)));
            }
            catch (Exception e)
            {
                self.Tell(new RecoveryFailed(e));
            }
        });
    }

    private static bool Decode(SessionRecord? row, out SessionData data, out string? error)
    {
        data = default;
        if (row?.Id is null || !SessionIdGenerator.IsWellFormed(row.Id))
        {
            error = "the id is not a session id";
            return false;
        }

        if (row.Data is null)
        {
            error = "the data is missing";
            return false;
        }

        if (!SessionDataCodec.TryDecode(row.Data, out data, out error))
        {
            return false;
        }

        return true;
    }

    private void ApplyRecovered(RecoveredChunk chunk)
    {
        // Stamps are wall-clock; expiry runs on the monotonic clock, so each session's age and idle time
        // are carried over as "this long ago" from now.
        var now = _time.GetTimestamp();
        var wallNow = WallTicks();
        foreach (var s in chunk.Sessions)
        {
            if (_table.Find(s.Id) != SessionTable.None)
            {
                continue;
            }

            var slot = _table.Add(s.Id, s.Data, s.CreatedAtTicks, Ago(now, wallNow, s.LastModifiedTicks));
            ref var e = ref _table[slot];
            e.LastModifiedTicks = s.LastModifiedTicks;
            e.Version = s.Version;
            e.Created = Ago(now, wallNow, s.CreatedAtTicks);
        }
    }

    private long Ago(long now, long wallNow, long wallTicks)
    {
        if (wallTicks >= wallNow)
        {
            return now;
        }

        var ago = (Int128)now - ((Int128)(wallNow - wallTicks) * _time.TimestampFrequency / TimeSpan.TicksPerSecond);
        return ago < long.MinValue / 2 ? long.MinValue / 2 : (long)ago;
    }

    private void OnRecoveryDone(RecoveryDone done)
    {
        _table.SortByCreation();
        _recovering = false;
        _recovered = done.Sessions;
        _unreadable = done.Unreadable;
        _recoveryDuration = done.Elapsed;
        _log.Info("The session container recovered {0} sessions from its store in {1} ms ({2} unreadable rows skipped).", done.Sessions, (long)done.Elapsed.TotalMilliseconds, done.Unreadable);

        // The store may hold more than max-sessions or max-memory allow (they were lowered): evicted as a write would.
        EvictOverLimits();

        _wrote = false;
        UnbecomeStacked();
        Stash.UnstashAll();
        SendIfIdle();
    }

    // ----- Hooks called by the handlers of SessionContainer.cs -----

    /// <summary>Call before changing or removing the session <paramref name="id"/> in <paramref name="slot"/> (<see cref="SessionTable.None"/> before creating it).</summary>
    private void BeforeWrite(string id, int slot)
    {
        if (_store is null)
        {
            return;
        }

        _wrote = true;
        _open.Dirty.Add(id);
        if (!_open.Images.ContainsKey(id))
        {
            _open.Images[id] = slot == SessionTable.None ? default : Image.Of(ref _table[slot]);
        }
    }

    /// <summary>
    /// Call with the event of a change a write made (after <see cref="BeforeWrite"/>): without a store it is
    /// applied now; with one, once the commit carrying the write is done and its replies are out, and never
    /// if that commit fails (the change is undone). Effects follow what is durable, exactly once.
    /// </summary>
    private void AfterCommit(object @event)
    {
        if (_store is null)
        {
            Apply(@event);
            return;
        }

        _open.Events.Add(@event);
    }

    /// <summary>Call after an <see cref="OpenSession"/> touched an existing session: the touch is written behind.</summary>
    private void Touched(int slot)
    {
        if (_store is not null)
        {
            _touched.Add(_table[slot].Id!);
        }
    }

    /// <summary>Call after <see cref="AdjustTime"/> shifted every session's stamps: they are all written behind.</summary>
    private void TouchedAll()
    {
        if (_store is not null)
        {
            _table.ForEach((ref SessionTable.Entry e) => _touched.Add(e.Id!));
        }
    }

    /// <summary>Call before a write: while the store is down, the answer that refuses it (nothing changes); else <see langword="null"/>.</summary>
    private Status.Failure? StoreRefusal() =>
        _store is null || _storeAvailable
            ? null
            : new Status.Failure(new SessionStoreUnavailableException(
                $"The session store is unavailable ({_lastStoreFailure}); the write was not made. Reads still work; the container retries the store."));

    /// <summary>
    /// Answers the sender now, or, when the message wrote, once the commit carrying its writes is done.
    /// For a <see cref="SessionBatch"/>, <paramref name="written"/> marks the requests that wrote: if the
    /// commit fails, only their slots turn into failures.
    /// </summary>
    private void Reply(object reply, bool[]? written = null)
    {
        if (_store is null || !_wrote)
        {
            Sender.Tell(reply);
            return;
        }

        _wrote = false;
        _open.Replies.Add(new PendingReply(Sender, reply, written));
        SendIfIdle();
    }

    // ----- Group commit -----

    private void SendIfIdle()
    {
        if (_store is null || _inFlight is not null || _recovering || !_storeAvailable || _open.Dirty.Count == 0)
        {
            return;
        }

        var batch = _open;
        _open = new StoreBatch();
        var writes = batch.Writes = Materialize(batch);
        batch.Started = Stopwatch.GetTimestamp();
        _inFlight = batch;

        // PipeTo fires when the store's task has really finished, so two commits never overlap.
        CallStore((store, ct) => store.CommitAsync(writes, ct))
            .PipeTo(Self, success: static () => CommitSucceeded.Instance, failure: static e => new CommitFailed(e));
    }

    /// <summary>
    /// The writes of a batch, as memory holds the sessions now: the last of several writes to one session
    /// wins. A store that takes item changes gets, for a session whose last committed state it holds, only
    /// the keys that differ from the image the batch kept before its first write (or the stamps alone, for
    /// a touch); a session created in the batch, or written back after a failed commit, goes whole.
    /// </summary>
    private List<SessionWrite> Materialize(StoreBatch batch)
    {
        var writes = new List<SessionWrite>(batch.Dirty.Count);
        foreach (var id in batch.Dirty)
        {
            var slot = _table.Find(id);
            if (slot == SessionTable.None)
            {
                writes.Add(SessionWrite.Delete(id));
                continue;
            }

            var hasImage = batch.Images.TryGetValue(id, out var image);
            if (!_storeTakesItems || batch.Rewrites.Contains(id) || (hasImage && !image.Existed))
            {
                writes.Add(SessionWrite.Upsert(Record(slot)));
            }
            else
            {
                writes.Add(Change(slot, hasImage ? Changes(image.Data, _table[slot].Data) : SessionItemChanges.None));
            }
        }

        return writes;
    }

    private SessionRecord Record(int slot)
    {
        ref var e = ref _table[slot];
        return new SessionRecord(e.Id!, SessionDataCodec.Encode(e.Data), CreatedAt(ref e), LastModified(ref e), e.Version, ExpiresAt(ref e));
    }

    private SessionWrite Change(int slot, SessionItemChanges items)
    {
        ref var e = ref _table[slot];
        return SessionWrite.Change(e.Id!, CreatedAt(ref e), LastModified(ref e), e.Version, ExpiresAt(ref e), items);
    }

    private static DateTimeOffset CreatedAt(ref SessionTable.Entry e) => new(e.CreatedAtTicks, TimeSpan.Zero);

    private static DateTimeOffset LastModified(ref SessionTable.Entry e) => new(e.LastModifiedTicks, TimeSpan.Zero);

    private DateTimeOffset ExpiresAt(ref SessionTable.Entry e)
    {
        var expires = Math.Min(
            SaturatingAdd(e.LastModifiedTicks, _settings.IdleTimeout.Ticks),
            _settings.AbsoluteTimeout is { } absolute ? SaturatingAdd(e.CreatedAtTicks, absolute.Ticks) : long.MaxValue);
        return new DateTimeOffset(Math.Min(expires, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
    }

    /// <summary>
    /// The keys that differ between two states of a session: one walk of both sorted maps. Values are
    /// compared by identity, which is enough: a write replaces the values it changes, and every value it
    /// leaves is the very array memory held (a caller's snapshot shares them), so an unchanged key is
    /// never written and a changed one always is.
    /// </summary>
    private static SessionItemChanges Changes(SessionData before, SessionData after)
    {
        List<KeyValuePair<string, ImmutableArray<byte>>>? set = null;
        ImmutableArray<string>.Builder? removed = null;
        var b = before.GetEnumerator();
        var a = after.GetEnumerator();
        bool inBefore = b.MoveNext(), inAfter = a.MoveNext();
        while (inBefore || inAfter)
        {
            var order = !inBefore ? 1 : !inAfter ? -1 : string.CompareOrdinal(b.Current.Key, a.Current.Key);
            if (order < 0)
            {
                (removed ??= ImmutableArray.CreateBuilder<string>()).Add(b.Current.Key);
                inBefore = b.MoveNext();
                continue;
            }

            if (order > 0 || a.Current.Value != b.Current.Value)
            {
                (set ??= []).Add(a.Current);
            }

            inAfter = a.MoveNext();
            if (order == 0)
            {
                inBefore = b.MoveNext();
            }
        }

        if (set is null && removed is null)
        {
            return SessionItemChanges.None;
        }

        var setData = SessionData.Empty;
        if (set is not null)
        {
            SessionData.TryCreateOwned([.. set], out setData, out _);
        }

        return new SessionItemChanges(setData, removed?.ToImmutable() ?? ImmutableArray<string>.Empty);
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private void OnCommitSucceeded()
    {
        var batch = _inFlight!;
        _inFlight = null;
        _metrics.Committed(Stopwatch.GetElapsedTime(batch.Started), batch.Writes!.Count);
        _commits++;
        _committedWrites += batch.Writes!.Count;
        _backoff = _storeSettings.MinBackoff;
        foreach (var reply in batch.Replies)
        {
            reply.To.Tell(reply.Message);
        }

        // Then the effects, now that the changes are durable; a failed commit drops them with its changes.
        foreach (var @event in batch.Events)
        {
            Apply(@event);
        }

        SendIfIdle();
    }

    private void OnCommitFailed(CommitFailed failed)
    {
        var error = failed.Error is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerException! : failed.Error;
        var inFlight = _inFlight!;
        var queued = _open;
        _inFlight = null;
        _open = new StoreBatch();
        _failedCommits++;
        _lastStoreFailure = error.Message;
        _metrics.CommitFailed(Stopwatch.GetElapsedTime(inFlight.Started), inFlight.Writes!.Count, error);
        _log.Warning(
            "The session store failed a commit of {0} writes ({1}: {2}); {3} writes are undone and answered with a failure. Writes fail until the store is back; reads go on.",
            inFlight.Writes!.Count,
            error.GetType().Name,
            error.Message,
            inFlight.Replies.Count + queued.Replies.Count);

        // Queued writes were built on the failed ones, so they are undone too: newest first.
        Restore(queued.Images);
        Restore(inFlight.Images);

        var failure = new Status.Failure(new SessionStoreUnavailableException(
            $"The session store failed to commit ({error.Message}); the write was not made.", error));
        foreach (var reply in inFlight.Replies.Concat(queued.Replies))
        {
            reply.To.Tell(reply.Written is { } written ? FailWritten((SessionBatchHandled)reply.Message, written, failure) : failure);
        }

        // The failed commit may have landed, so the store's rows for these are unknown: once the store is
        // back each is written as memory now holds it (restored, touched or gone), whole.
        _rewrites.UnionWith(inFlight.Dirty);
        _rewrites.UnionWith(queued.Dirty);

        MarkUnavailable();
    }

    /// <summary>Puts sessions back as they were before the undone writes.</summary>
    private void Restore(Dictionary<string, Image> images)
    {
        foreach (var (id, image) in images)
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
                slot = _table.Add(id, image.Data, image.CreatedAtTicks, _time.GetTimestamp());
            }

            ref var e = ref _table[slot];
            _table.SetData(slot, image.Data);
            e.Version = image.Version;
            e.CreatedAtTicks = image.CreatedAtTicks;
            e.LastModifiedTicks = image.LastModifiedTicks;
            e.Created = image.Created;
        }
    }

    // ----- Outage and recovery of the store -----

    private void MarkUnavailable()
    {
        _storeAvailable = false;
        Timers.StartSingleTimer(StoreProbeTimerKey, ProbeStore.Instance, NextBackoff());
    }

    private TimeSpan NextBackoff()
    {
        var wait = _backoff;
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, _storeSettings.MaxBackoff.Ticks));
        return wait;
    }

    private void Probe()
    {
        _probes++;
        CallStore(static (store, ct) => store.InitializeAsync(ct))
            .PipeTo(Self, success: static () => ProbeSucceeded.Instance, failure: static e => new ProbeFailed(e));
    }

    /// <summary>Runs one store call off the actor's thread, cancelled after <see cref="SessionStoreSettings.CommitTimeout"/>.</summary>
    private Task CallStore(Func<ISessionStore, CancellationToken, Task> call)
    {
        var store = _store!;
        var timeout = _storeSettings.CommitTimeout;
        return Task.Run(async () =>
        {
            using var cts = new CancellationTokenSource(timeout);
            await call(store, cts.Token).ConfigureAwait(false);
        });
    }

    private void OnProbeFailed(ProbeFailed failed)
    {
        _lastStoreFailure = failed.Error.Message;
        var wait = NextBackoff();
        _log.Info("The session store is still unavailable ({0}); next try in {1} ms.", failed.Error.Message, (long)wait.TotalMilliseconds);
        Timers.StartSingleTimer(StoreProbeTimerKey, ProbeStore.Instance, wait);
    }

    private void OnStoreBack()
    {
        _storeAvailable = true;
        _log.Info("The session store is available again; writes are accepted.");
        FlushTouchesToBatch();
    }

    // ----- Write-behind touches, flush, cleanup, figures -----

    private void FlushTouchesToBatch()
    {
        if (_store is null || !_storeAvailable || _recovering || (_touched.Count == 0 && _rewrites.Count == 0))
        {
            return;
        }

        // Whole, or deleted if memory no longer holds them: before any new write, which cannot come while
        // the store is unavailable, so none is ever sent as a change to a row of unknown state.
        foreach (var id in _rewrites)
        {
            _open.Dirty.Add(id);
            _open.Rewrites.Add(id);
        }

        _rewrites.Clear();
        foreach (var id in _touched)
        {
            if (_table.Find(id) != SessionTable.None)
            {
                _open.Dirty.Add(id);
            }
        }

        _touched.Clear();
        SendIfIdle();
    }

    private void Flush()
    {
        if (_store is null)
        {
            Sender.Tell(SessionStoreFlushed.Instance);
            return;
        }

        if (!_storeAvailable)
        {
            Sender.Tell(new Status.Failure(new SessionStoreUnavailableException(
                $"The session store is unavailable ({_lastStoreFailure}); nothing could be flushed.")));
            return;
        }

        FlushTouchesToBatch();
        if (_open.Dirty.Count > 0)
        {
            _open.Replies.Add(new PendingReply(Sender, SessionStoreFlushed.Instance));
        }
        else if (_inFlight is not null)
        {
            _inFlight.Replies.Add(new PendingReply(Sender, SessionStoreFlushed.Instance));
        }
        else
        {
            Sender.Tell(SessionStoreFlushed.Instance);
        }
    }

    /// <summary>Called with every cleanup: deletes rows that expired a grace period ago, in bounded batches.</summary>
    private void StartStoreCleanup()
    {
        if (_store is null || !_storeAvailable || _recovering || _storeCleanupRunning)
        {
            return;
        }

        _storeCleanupRunning = true;
        var store = _store;
        var before = _time.GetUtcNow() - _storeSettings.CleanupGrace;
        var limit = _storeSettings.CleanupBatchSize;
        var timeout = _storeSettings.CommitTimeout;
        var self = Self;
        Task.Run(async () =>
        {
            var total = 0;
            try
            {
                int deleted;
                do
                {
                    using var cts = new CancellationTokenSource(timeout);
                    deleted = await store.DeleteExpiredAsync(before, limit, cts.Token).ConfigureAwait(false);
                    total += deleted;
                }
                while (deleted >= limit);

                self.Tell(new StoreCleanupDone(total, null));
            }
            catch (Exception e)
            {
                self.Tell(new StoreCleanupDone(total, e));
            }
        });
    }

    /// <summary>Writes not yet committed: in flight, queued, touches and rewrites waiting. Also read by the metrics' collection, off the actor's thread; counts only, so a stale one does no harm.</summary>
    private int PendingWrites() => (_inFlight?.Dirty.Count ?? 0) + _open.Dirty.Count + _touched.Count + _rewrites.Count;

    private SessionStoreStats StoreStats() => new(
        _store is not null,
        _store is not null && _storeAvailable && !_recovering,
        _commits,
        _committedWrites,
        _failedCommits,
        _probes,
        PendingWrites(),
        _recovered,
        _unreadable,
        _recoveryDuration,
        _lastStoreFailure);

    // ----- Internal types -----

    /// <summary>A batch of writes: the sessions it changes, how to undo it, and who waits for it.</summary>
    private sealed class StoreBatch
    {
        public HashSet<string> Dirty { get; } = new(StringComparer.Ordinal);

        /// <summary>Sessions among <see cref="Dirty"/> written whole whatever changed: a failed commit left their rows unknown.</summary>
        public HashSet<string> Rewrites { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Image> Images { get; } = new(StringComparer.Ordinal);

        public List<PendingReply> Replies { get; } = [];

        /// <summary>The events of its changes, applied (counted, measured, published) once it has committed.</summary>
        public List<object> Events { get; } = [];

        public List<SessionWrite>? Writes { get; set; }

        /// <summary>When its commit started, for the commit-duration metric.</summary>
        public long Started { get; set; }
    }

    /// <summary>A batch's answer after a failed commit: the requests that wrote fail, the reads stand.</summary>
    private static SessionBatchHandled FailWritten(SessionBatchHandled handled, bool[] written, Status.Failure failure)
    {
        var replies = handled.Replies.ToArray();
        for (var i = 0; i < replies.Length; i++)
        {
            if (written[i])
            {
                replies[i] = failure;
            }
        }

        return new SessionBatchHandled(replies);
    }

    /// <summary>An answer held back until a commit; <see cref="Written"/> marks a batch's writing requests.</summary>
    private readonly record struct PendingReply(IActorRef To, object Message, bool[]? Written = null);

    /// <summary>A session as it was before a batch changed it; <c>default</c> means it did not exist.</summary>
    private readonly record struct Image(
        bool Existed,
        SessionData Data,
        long CreatedAtTicks,
        long LastModifiedTicks,
        long Version,
        long Created)
    {
        public static Image Of(ref SessionTable.Entry e) =>
            new(true, e.Data, e.CreatedAtTicks, e.LastModifiedTicks, e.Version, e.Created);
    }

    private sealed record RecoveredSession(
        string Id,
        SessionData Data,
        long CreatedAtTicks,
        long LastModifiedTicks,
        long Version);

    private sealed record RecoveredChunk(List<RecoveredSession> Sessions);

    private sealed record RecoveryDone(int Sessions, int Unreadable, TimeSpan Elapsed);

    private sealed record RecoveryFailed(Exception Error);

    private sealed record CommitFailed(Exception Error);

    private sealed record ProbeFailed(Exception Error);

    private sealed record StoreCleanupDone(int Deleted, Exception? Error);

    private sealed class CommitSucceeded
    {
        public static readonly CommitSucceeded Instance = new();
    }

    private sealed class FlushTouches
    {
        public static readonly FlushTouches Instance = new();
    }

    private sealed class ProbeStore
    {
        public static readonly ProbeStore Instance = new();
    }

    private sealed class ProbeSucceeded
    {
        public static readonly ProbeSucceeded Instance = new();
    }

    private sealed class RetryRecovery
    {
        public static readonly RetryRecovery Instance = new();
    }
}
