using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ActorSessions.Storage;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorSessions.Durability;

/// <summary>
/// The container's child that owns its <see cref="ISessionStore"/>, as Akka.Persistence's journal is the
/// persistent actor's: it makes the records the container sends durable, one commit in flight, records
/// queued meanwhile merged by session (the latest state wins) and encoded when their commit starts (group
/// commit: a lone write is never delayed by a timer, many share one commit, and a commit about to start
/// first lets the thread pool's queued work run, so that more writes share it). It answers for records in the
/// order they were numbered. It also recovers the sessions at start, in chunks and within a timeout,
/// probes a failed store with backoff, deletes expired rows, and keeps the store's figures.
/// </summary>
/// <remarks>
/// Store I/O runs on the thread pool and comes back as messages, so the journal's mailbox never blocks and
/// a store fault is a message, not an exception. Akka's <c>CircuitBreaker</c> was not used: its call
/// timeout completes the caller while the store's task still runs, which would let two commits overlap;
/// here a commit is cancelled at its timeout and the next starts only once the store's task has ended.
/// </remarks>
internal sealed class SessionJournal : ReceiveActor, IWithTimers
{
    private const string ProbeTimerKey = "probe";
    private const string RecoveryTimerKey = "recovery-retry";
    private const string StreamRetryTimerKey = "recovery-read-retry";
    private const int RecoveryChunkSize = 10_000;

    // Reads by id while serving during recovery: a few at once, each of many ids, so that a burst of
    // requests for sessions not read yet costs a few store round trips, not one each.
    private const int MaxFindsInFlight = 2;
    private const int MaxIdsPerFind = 256;

    private readonly ISessionStore _store;
    private readonly SessionSettings _settings;
    private readonly SessionStoreSettings _storeSettings;
    private readonly TimeProvider _time;
    private readonly JournalGate _gate;
    private readonly SessionContainerMetrics _metrics;
    private readonly ILogger _log;
    private readonly bool _itemChanges;

    // Records taken and not yet committing, by session; and the highest number among them.
    private readonly Dictionary<string, JournalEntry> _queued = new(StringComparer.Ordinal);
    private long _queuedUpTo;

    // The commit in flight (at most one), and the highest record number it answers for.
    private bool _committing;
    private long _committingUpTo;
    private long _commitId;

    // A commit about to start first lets the thread pool's queued work run, up to commit-yields times, so
    // that the writes of the requests running there share it (see CommitYield); the yields after the first
    // only while they have taken less time than the last commit did, so that on a starved pool, where a
    // yield waits long, a write's wait for its commit at most about doubles.
    private readonly CommitYield _yield;
    private int _yields;
    private bool _yielding;
    private long _yieldingSince;
    private TimeSpan _lastCommitTook;

    private readonly bool _serveWhileRecovering;

    private bool _available;

    // Recovering: the partition is being opened, or (when the container does not serve meanwhile) read.
    private bool _recovering;

    // Serving while the rows are read behind: commits run, the store's cleanup waits.
    private bool _streaming;
    private long _recoveryStarted;
    private readonly List<string> _toFind = [];
    private int _findsInFlight;
    private int _recoveryAttempt;
    private bool _cleanupRunning;

    // A cleanup was refused by the fence while a commit was in flight: fenced out once the commit has answered.
    private SessionStoreFencedException? _fencedWhileCommitting;
    private TimeSpan _backoff;

    private long _commits;
    private long _committedWrites;
    private long _failedCommits;
    private long _probes;
    private int _recovered;
    private int _unreadable;
    private TimeSpan _recoveryDuration;
    private string? _lastFailure;

    // The partition this journal writes, and with a fencing store the epoch it took it under.
    private readonly int _partition;
    private readonly int _partitions;
    private readonly IFencedSessionStore? _fenced;
    private long _epoch;

    public SessionJournal(ISessionStore store, SessionSettings settings, SessionStoreSettings storeSettings, TimeProvider time, JournalGate gate, SessionContainerMetrics metrics, ILogger log, int partition, int partitions, CommitYield commitYield)
    {
        _yield = commitYield;
        _partition = partition;
        _partitions = partitions;
        _fenced = store as IFencedSessionStore;
        _store = store;
        _settings = settings;
        _storeSettings = storeSettings;
        _time = time;
        _gate = gate;
        _metrics = metrics;
        _log = log;
        _itemChanges = store.AcceptsItemChanges;
        _serveWhileRecovering = storeSettings.ServeWhileRecovering && store.FindsById;
        _backoff = storeSettings.MinBackoff;

        Receive<JournalRecord>(OnRecord);
        Receive<CommitDone>(OnCommitDone);
        Receive<CommitYielded>(_ =>
        {
            _yielding = false;
            StartCommitIfIdle();
        });
        Receive<ProbeStore>(_ => Probe());
        Receive<ProbeDone>(OnProbeDone);
        Receive<JournalRecover>(_ => StartRecovery());
        Receive<RecoveryOpenedInStore>(OnRecoveryOpened);
        Receive<RecoveryEnded>(OnRecoveryEnded);
        Receive<RetryStream>(retry =>
        {
            if (retry.Attempt == _recoveryAttempt && _streaming)
            {
                StartStream(retry.Attempt);
            }
        });
        Receive<JournalFind>(OnFind);
        Receive<FindDone>(OnFindDone);
        Receive<JournalCleanup>(_ => StartCleanup());
        Receive<CleanupDone>(OnCleanupDone);
        Receive<JournalStats>(stats => Sender.Tell(Stats(stats.WaitingInContainer)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ISessionStore store, SessionSettings settings, SessionStoreSettings storeSettings, TimeProvider time, JournalGate gate, SessionContainerMetrics metrics, ILogger log, int partition = 0, int partitions = 1, CommitYield? commitYield = null) =>
        Akka.Actor.Props.Create(() => new SessionJournal(store, settings, storeSettings, time, gate, metrics, log, partition, partitions, commitYield ?? CommitYield.ThreadPoolQueue));

    /// <summary>A journal starts available: the container's first request to it is to recover, which initializes the store.</summary>
    protected override void PreStart() => _available = true;

    /// <summary>
    /// After a fault of its own the journal has lost what it held: it says so, waits for any store task of
    /// its predecessor to end, and probes the store before it takes records again.
    /// </summary>
    protected override void PostRestart(Exception reason)
    {
        _available = false;
        JournalLog.Restarted(_log, reason);
        Context.Parent.Tell(new JournalRestarted(reason));
        Timers.StartSingleTimer(ProbeTimerKey, ProbeStore.Instance, _storeSettings.MinBackoff);
    }

    // ----- Records and commits -----

    private void OnRecord(JournalRecord record)
    {
        if (!_available)
        {
            // The container undid what it sent before it heard of the failure; nothing of it is stored.
            return;
        }

        foreach (var entry in record.Entries)
        {
            _queued[entry.Id] = _queued.TryGetValue(entry.Id, out var earlier) ? entry.After(earlier) : entry;
        }

        _queuedUpTo = Math.Max(_queuedUpTo, record.Seq);
        StartCommitIfIdle();
    }

    private void StartCommitIfIdle()
    {
        if (_committing || !_available || _recovering)
        {
            return;
        }

        if (_queued.Count == 0)
        {
            // Records with nothing to store (a flush behind a commit that has ended) are durable already.
            if (_queuedUpTo > _committingUpTo)
            {
                _committingUpTo = _queuedUpTo;
                Context.Parent.Tell(new JournalCommitted(_queuedUpTo));
            }

            return;
        }

        if (_yielding)
        {
            // The yield's answer starts the commit, with whatever has been queued by then.
            return;
        }

        if (_yields < _storeSettings.CommitYields && _yield.HasQueuedWork
            && (_yields == 0 || _time.GetElapsedTime(_yieldingSince) < _lastCommitTook))
        {
            if (_yields++ == 0)
            {
                _yieldingSince = _time.GetTimestamp();
            }

            _yielding = true;
            _yield.After(Self, CommitYielded.Instance);
            return;
        }

        _yields = 0;
        var writes = new List<SessionWrite>(_queued.Count);
        foreach (var entry in _queued.Values)
        {
            writes.Add(JournalEncoding.ToWrite(entry, _settings, _itemChanges));
        }

        _queued.Clear();
        _committing = true;
        _committingUpTo = _queuedUpTo;
        var id = _commitId = _gate.NextCommitId();
        var upTo = _queuedUpTo;
        var started = _time.GetTimestamp();
        var time = _time;
        var fenced = _fenced;
        var partition = _partition;
        var epoch = _epoch;
        var task = fenced is null
            ? CallStore((store, ct) => store.CommitAsync(writes, ct))
            : CallStore((_, ct) => fenced.CommitAsync(partition, epoch, writes, ct));
        _gate.InFlight = task;

        // PipeTo fires when the store's task has really finished, so two commits never overlap.
        task.PipeTo(
            Self,
            success: () => new CommitDone(id, upTo, writes.Count, time.GetElapsedTime(started), null),
            failure: e => new CommitDone(id, upTo, writes.Count, time.GetElapsedTime(started), e));
    }

    private void OnCommitDone(CommitDone done)
    {
        if (done.CommitId != _commitId || !_committing)
        {
            // A commit of the journal's predecessor: the container has already undone it.
            return;
        }

        _committing = false;
        _lastCommitTook = done.Duration;
        if (done.Error is null)
        {
            _commits++;
            _committedWrites += done.Writes;
            _backoff = _storeSettings.MinBackoff;
            _metrics.Committed(done.Duration, done.Writes);
            Context.Parent.Tell(new JournalCommitted(done.UpTo));
            if (_fencedWhileCommitting is { } refusedCleanup)
            {
                // A cleanup was refused while this commit ran, and the commit landed before the take.
                FencedOut(refusedCleanup);
                return;
            }

            StartCommitIfIdle();
            return;
        }

        var error = done.Error is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerException! : done.Error;
        if (error is SessionStoreFencedException fencedOut)
        {
            _failedCommits++;
            _metrics.CommitFailed(done.Duration, done.Writes, fencedOut);
            FencedOut(fencedOut);
            return;
        }

        if (_fencedWhileCommitting is { } refused)
        {
            // The partition was taken meanwhile: not an outage to probe through, the end of this copy.
            _failedCommits++;
            _metrics.CommitFailed(done.Duration, done.Writes, error);
            FencedOut(refused);
            return;
        }

        _failedCommits++;
        _lastFailure = error.Message;
        _metrics.CommitFailed(done.Duration, done.Writes, error);
        JournalLog.CommitFailed(_log, done.Writes, error.GetType().Name, error.Message);

        // Records queued behind the failed commit were built on it: they are dropped with it, and the
        // container, which numbered them, undoes them all.
        _queued.Clear();
        var upTo = _queuedUpTo;
        _committingUpTo = upTo;
        _available = false;
        Context.Parent.Tell(new JournalFailed(upTo, error));
        Timers.StartSingleTimer(ProbeTimerKey, ProbeStore.Instance, NextBackoff());
    }

    // ----- Outage: probing with backoff -----

    private void Probe()
    {
        _probes++;

        // After a restart the predecessor's commit may still run: the probe waits for it to end.
        var previous = _gate.InFlight;
        var task = previous.ContinueWith(
            _ => CallStore(static (store, ct) => store.InitializeAsync(ct)),
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default).Unwrap();
        task.PipeTo(Self, success: static () => new ProbeDone(null), failure: static e => new ProbeDone(e));
    }

    private void OnProbeDone(ProbeDone done)
    {
        if (done.Error is { } error)
        {
            _lastFailure = error.Message;
            var wait = NextBackoff();
            JournalLog.StillUnavailable(_log, error.Message, (long)wait.TotalMilliseconds);
            Timers.StartSingleTimer(ProbeTimerKey, ProbeStore.Instance, wait);
            return;
        }

        _available = true;
        _backoff = _storeSettings.MinBackoff;
        JournalLog.Back(_log);
        Context.Parent.Tell(new JournalAvailable());
    }

    private TimeSpan NextBackoff()
    {
        var wait = _backoff;
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, _storeSettings.MaxBackoff.Ticks));
        return wait;
    }

    /// <summary>Runs one store call off the actor's thread, cancelled after <see cref="SessionStoreSettings.CommitTimeout"/>.</summary>
    private Task CallStore(Func<ISessionStore, CancellationToken, Task> call)
    {
        var store = _store;
        var timeout = _storeSettings.CommitTimeout;
        return Task.Run(async () =>
        {
            using var cts = new CancellationTokenSource(timeout);
            await call(store, cts.Token).ConfigureAwait(false);
        });
    }

    // ----- Recovery -----

    private void StartRecovery()
    {
        Timers.Cancel(RecoveryTimerKey);
        Timers.Cancel(StreamRetryTimerKey);
        _recovering = true;
        _streaming = false;
        var attempt = _recoveryAttempt = _gate.NextRecoveryAttempt();
        Context.Parent.Tell(new RecoveryStarted(attempt));

        var store = _store;
        var timeout = _storeSettings.RecoveryTimeout;
        var time = _time;
        var previous = _gate.InFlight;
        var fenced = _fenced;
        var partition = _partition;
        var partitions = _partitions;
        var task = Task.Run(async () =>
        {
            await previous.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);

            // On the container's clock, so a spec can drive the timeout.
            using var cts = new CancellationTokenSource(timeout, time);
            try
            {
                await store.InitializeAsync(cts.Token).ConfigureAwait(false);

                // Take the partition before reading it: a writer that held it is fenced from here on, so
                // what is read is the last it could write.
                var epoch = fenced is null ? 0 : await fenced.TakePartitionAsync(partition, partitions, cts.Token).ConfigureAwait(false);
                return new RecoveryOpenedInStore(attempt, epoch, null);
            }
            catch (OperationCanceledException e) when (cts.IsCancellationRequested)
            {
                return new RecoveryOpenedInStore(attempt, 0, new TimeoutException(
                    $"Opening the store to recover the sessions took longer than its recovery-timeout ({timeout}).", e));
            }
            catch (Exception e)
            {
                return new RecoveryOpenedInStore(attempt, 0, e);
            }
        });
        _gate.InFlight = task;
        task.PipeTo(Self);
    }

    private void OnRecoveryOpened(RecoveryOpenedInStore opened)
    {
        if (opened.Attempt != _recoveryAttempt)
        {
            return;
        }

        if (opened.Error is { } error)
        {
            OnRecoveryEnded(new RecoveryEnded(opened.Attempt, 0, 0, TimeSpan.Zero, error, 0));
            return;
        }

        _epoch = opened.Epoch;
        _recoveryStarted = Stopwatch.GetTimestamp();
        if (_serveWhileRecovering)
        {
            // The partition is this writer's: commits, and the container's requests, need not wait for the
            // rows read behind. Only the store's cleanup waits, so that no row vanishes under the read.
            _recovering = false;
            _streaming = true;
            _available = true;
            Context.Parent.Tell(new RecoveryOpened(opened.Attempt));
            StartCommitIfIdle();
        }

        StartStream(opened.Attempt);
    }

    /// <summary>Reads the partition's rows and sends them to the container in chunks; its end comes back as <see cref="RecoveryEnded"/>.</summary>
    private void StartStream(int attempt)
    {
        var container = Context.Parent;
        var store = _store;
        var log = _log;
        var now = _time.GetUtcNow();
        var timeout = _storeSettings.RecoveryTimeout;
        var time = _time;
        var fenced = _fenced;
        var partition = _partition;
        var partitions = _partitions;
        var started = _recoveryStarted;
        var epoch = _epoch;

        // On a thread of its own: a store whose calls block (SQLite) reads for seconds at a million sessions,
        // and on the thread pool (two threads on a two-core machine) two partitions read at once left it none
        // for the requests served meanwhile. An asynchronous store's read moves to the pool at its first wait.
        var task = Task.Factory.StartNew(async () =>
        {
            using var cts = new CancellationTokenSource(timeout, time);
            try
            {
                var chunk = new List<RecoveredSession>(RecoveryChunkSize);
                var sessions = 0;
                var unreadable = 0;
                var keys = new SessionKeyStrings();

                // A fencing store reads the partition's rows only, by their partition keys; any other store
                // is read whole, and the other partitions' rows passed over here.
                var rows = fenced is null ? store.LoadAsync(now, cts.Token) : fenced.LoadAsync(partition, partitions, now, cts.Token);
                await foreach (var row in rows.ConfigureAwait(false))
                {
                    if (partitions > 1 && fenced is null && row?.Id is { } rowId && SessionPartitioner.PartitionOf(rowId, partitions) != partition)
                    {
                        continue;
                    }

                    if (!TryRecover(row, keys, log, out var recovered))
                    {
                        unreadable++;
                        continue;
                    }

                    chunk.Add(recovered);
                    if (chunk.Count == RecoveryChunkSize)
                    {
                        // Streamed: the container fills its table while the store is still read.
                        sessions += chunk.Count;
                        container.Tell(new RecoveredChunk(attempt, chunk));
                        chunk = new List<RecoveredSession>(RecoveryChunkSize);
                    }
                }

                sessions += chunk.Count;
                if (chunk.Count > 0)
                {
                    container.Tell(new RecoveredChunk(attempt, chunk));
                }

                return new RecoveryEnded(attempt, sessions, unreadable, Stopwatch.GetElapsedTime(started), null, epoch);
            }
            catch (OperationCanceledException e) when (cts.IsCancellationRequested)
            {
                return new RecoveryEnded(attempt, 0, 0, Stopwatch.GetElapsedTime(started), Epoch: 0, Error: new TimeoutException(
                    $"Recovering the sessions from the store took longer than its recovery-timeout ({timeout}).", e));
            }
            catch (Exception e)
            {
                return new RecoveryEnded(attempt, 0, 0, Stopwatch.GetElapsedTime(started), e, 0);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        if (!_serveWhileRecovering)
        {
            // No commit runs beside this read: it is what a restarted journal waits for.
            _gate.InFlight = task;
        }

        task.PipeTo(Self);
    }

    private void OnRecoveryEnded(RecoveryEnded ended)
    {
        if (ended.Attempt != _recoveryAttempt)
        {
            return;
        }

        if (ended.Error is { } error && _streaming)
        {
            // Serving already, under the partition taken: only the read is tried again. The container
            // skips the rows it has (or has ended) since, so a second read adds only what the first lacked.
            _lastFailure = error.Message;
            var retry = NextBackoff();
            JournalLog.RecoveryReadFailed(_log, error, (long)retry.TotalMilliseconds);
            Timers.StartSingleTimer(StreamRetryTimerKey, new RetryStream(ended.Attempt), retry);
            return;
        }

        _recovering = false;
        _streaming = false;
        if (ended.Error is { } failure)
        {
            _available = false;
            _lastFailure = failure.Message;
            var wait = NextBackoff();
            JournalLog.RecoveryFailed(_log, failure, (long)wait.TotalMilliseconds);
            Context.Parent.Tell(new RecoveryFailed(ended.Attempt, failure, wait));
            Timers.StartSingleTimer(RecoveryTimerKey, new JournalRecover(), wait);
            return;
        }

        _backoff = _storeSettings.MinBackoff;
        _available = true;
        _recovered = ended.Sessions;
        _unreadable += ended.Unreadable;
        _recoveryDuration = ended.Elapsed;
        JournalLog.Recovered(_log, ended.Sessions, (long)ended.Elapsed.TotalMilliseconds, ended.Unreadable);
        Context.Parent.Tell(new RecoveryDone(ended.Attempt, ended.Sessions, ended.Unreadable, ended.Elapsed));
        StartCommitIfIdle();
    }

    // ----- Finding sessions by id while the rows are read behind -----

    private void OnFind(JournalFind find)
    {
        if (find.Attempt != _recoveryAttempt)
        {
            return;
        }

        _toFind.AddRange(find.Ids);
        StartFinds();
    }

    /// <summary>
    /// Starts reads of the ids waiting, up to <see cref="MaxFindsInFlight"/> at once and
    /// <see cref="MaxIdsPerFind"/> ids each: ids asked for while the reads run share the next ones, as
    /// writes share a commit.
    /// </summary>
    private void StartFinds()
    {
        while (_findsInFlight < MaxFindsInFlight && _toFind.Count > 0)
        {
            var take = Math.Min(MaxIdsPerFind, _toFind.Count);
            var ids = _toFind.GetRange(0, take);
            _toFind.RemoveRange(0, take);
            _findsInFlight++;
            var store = _store;
            var log = _log;
            var now = _time.GetUtcNow();
            var timeout = _storeSettings.CommitTimeout;
            var attempt = _recoveryAttempt;
            Task.Run(async () =>
            {
                using var cts = new CancellationTokenSource(timeout);
                try
                {
                    var rows = await store.FindAsync(ids, now, cts.Token).ConfigureAwait(false);
                    var sessions = new List<RecoveredSession>(rows.Count);
                    var keys = new SessionKeyStrings();
                    foreach (var row in rows)
                    {
                        // As the read behind does: a row the container cannot take is no session. It is counted
                        // there, once, since the read behind reads every row.
                        if (TryRecover(row, keys, log, out var recovered))
                        {
                            sessions.Add(recovered);
                        }
                    }

                    return new FindDone(new JournalFound(attempt, ids, sessions, null));
                }
                catch (Exception e)
                {
                    var error = e is OperationCanceledException && cts.IsCancellationRequested
                        ? new TimeoutException($"Reading sessions by id from the store took longer than its commit-timeout ({timeout}).", e)
                        : e;
                    return new FindDone(new JournalFound(attempt, ids, [], error));
                }
            }).PipeTo(Self);
        }
    }

    private void OnFindDone(FindDone done)
    {
        _findsInFlight--;
        if (done.Found.Error is { } error)
        {
            _lastFailure = error.Message;
            JournalLog.FindFailed(_log, done.Found.Ids.Count, error.GetType().Name, error.Message);
        }

        Context.Parent.Tell(done.Found);
        StartFinds();
    }

    /// <summary>
    /// Another writer took the partition (a commit or a cleanup was refused): this copy is stale and must
    /// never write again. The container undoes what waits for the store and stops serving.
    /// </summary>
    private void FencedOut(SessionStoreFencedException error)
    {
        _fencedWhileCommitting = null;
        _lastFailure = error.Message;
        _queued.Clear();
        _available = false;
        JournalLog.Fenced(_log, error.Partition, error.HeldEpoch, error.CurrentEpoch);
        Become(Fenced);
        Context.Parent.Tell(new JournalFenced(error));
    }

    /// <summary>Fenced out by another writer of the partition: nothing more is written, ever; the container stops serving.</summary>
    private void Fenced()
    {
        Receive<JournalStats>(stats => Sender.Tell(Stats(stats.WaitingInContainer)));
        ReceiveAny(_ => { });
    }

    /// <summary>A row as the container takes it, or <see langword="false"/> (and a log line naming it by a hash) for one it cannot.</summary>
    private static bool TryRecover(SessionRecord? row, SessionKeyStrings keys, ILogger log, out RecoveredSession recovered)
    {
        if (!Decode(row, out var data, out var error, keys))
        {
            JournalLog.UnreadableRow(log, HashForLog(row?.Id), error);
            recovered = null!;
            return false;
        }

        recovered = new RecoveredSession(row!.Id, data, row.CreatedAt.UtcTicks, row.LastModified.UtcTicks, row.Version);
        return true;
    }

    private static bool Decode(SessionRecord? row, out SessionData data, out string? error, SessionKeyStrings keys)
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

        return SessionDataCodec.TryDecode(row.Data, out data, out error, keys);
    }

    /// <summary>Ids are bearer secrets: a log line names a row by a short hash of its id.</summary>
    private static string HashForLog(string? id) =>
        id is null ? "(null)" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)).AsSpan(0, 8));

    // ----- Store cleanup -----

    private void StartCleanup()
    {
        if (!_available || _recovering || _streaming || _cleanupRunning || (_fenced is not null && _epoch == 0))
        {
            return;
        }

        _cleanupRunning = true;
        var store = _store;
        var before = _time.GetUtcNow() - _storeSettings.CleanupGrace;
        var limit = _storeSettings.CleanupBatchSize;
        var timeout = _storeSettings.CommitTimeout;

        // A fencing store cleans the partition's rows only, under the epoch: a stale copy deletes nothing.
        var fenced = _fenced;
        var (partition, partitions, epoch) = (_partition, _partitions, _epoch);
        Task.Run(async () =>
        {
            var total = 0;
            try
            {
                int deleted;
                do
                {
                    using var cts = new CancellationTokenSource(timeout);
                    deleted = fenced is null
                        ? await store.DeleteExpiredAsync(before, limit, cts.Token).ConfigureAwait(false)
                        : await fenced.DeleteExpiredAsync(partition, partitions, epoch, before, limit, cts.Token).ConfigureAwait(false);
                    total += deleted;
                }
                while (deleted >= limit);

                return new CleanupDone(total, null);
            }
            catch (Exception e)
            {
                return new CleanupDone(total, e);
            }
        }).PipeTo(Self);
    }

    private void OnCleanupDone(CleanupDone done)
    {
        _cleanupRunning = false;
        if (done.Error is SessionStoreFencedException fencedOut)
        {
            JournalLog.CleanupFailed(_log, fencedOut.Message);
            if (_committing)
            {
                // The commit in flight landed before the take or is refused too: its answer says which,
                // and the journal is fenced out once it has come.
                _fencedWhileCommitting = fencedOut;
                _queued.Clear();
                _available = false;
                return;
            }

            FencedOut(fencedOut);
            return;
        }

        if (done.Error is { } error)
        {
            JournalLog.CleanupFailed(_log, error.Message);
        }
        else if (done.Deleted > 0)
        {
            JournalLog.CleanedUp(_log, done.Deleted);
        }
    }

    private SessionStoreStats Stats(int waitingInContainer) => new(
        true,
        _available && !_recovering,
        _commits,
        _committedWrites,
        _failedCommits,
        _probes,
        waitingInContainer + _queued.Count,
        _recovered,
        _unreadable,
        _recoveryDuration,
        _lastFailure);

    /// <summary>A yield before a commit has come back (<see cref="CommitYield.After"/>).</summary>
    private sealed class CommitYielded
    {
        public static readonly CommitYielded Instance = new();
    }

    private sealed record CommitDone(long CommitId, long UpTo, int Writes, TimeSpan Duration, Exception? Error);

    private sealed record ProbeDone(Exception? Error);

    private sealed record RecoveryOpenedInStore(int Attempt, long Epoch, Exception? Error);

    private sealed record RecoveryEnded(int Attempt, int Sessions, int Unreadable, TimeSpan Elapsed, Exception? Error, long Epoch);

    private sealed record RetryStream(int Attempt);

    private sealed record FindDone(JournalFound Found);

    private sealed record CleanupDone(int Deleted, Exception? Error);

    private sealed class ProbeStore
    {
        public static readonly ProbeStore Instance = new();
    }
}
