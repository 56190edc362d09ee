using System.Diagnostics;
using ActorSessions.Durability;
using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.Logging;

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
/// <para>With a store (<see cref="SessionContainerOptions.Store"/>) memory still serves every read. A write
/// is made in memory at once and its answer, and then its events, wait until the store has committed it;
/// writes that arrive meanwhile share the next commit. If a commit fails, its writes and those behind it
/// are undone and answered with a <see cref="SessionStoreUnavailableException"/>, and writes are refused
/// (reads go on) until the store answers again. A store fault never stops or restarts the container.</para>
/// </remarks>
public sealed partial class SessionContainer : ReceiveActor, IWithTimers
{
    private const string CleanupTimerKey = "cleanup";
    private const string TouchFlushTimerKey = "store-touch-flush";
    private const int MaxHeldWhileRecovering = 10_000;

    private readonly SessionSettings _settings;
    private readonly SessionStoreSettings _storeSettings;
    private readonly SessionContainerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly SessionBook _book;
    private readonly BookChanges _changes = new();
    private readonly SessionContainerMetrics _metrics;
    private readonly PendingCommits _pending = new();

    // How long before a batch's AnswerBy its writes must be handled: the commit in flight, then their own.
    private readonly long _commitTimeoutTicks;

    private JournalLink _journal = JournalLink.InMemory();

    // Whether writes are taken: false while the store is unavailable (or recovering). Set only by Become*.
    private bool _writable;

    // Requests that came while recovering, answered once it is done, in the order they came.
    private readonly List<(object Message, IActorRef Sender)> _held = [];
    private int _recoveryAttempt;
    private string? _lastStoreFailure;

    // A cleanup in progress: it runs in chunks, with other messages served between them.
    private readonly List<IActorRef> _cleanupWaiters = [];
    private bool _cleanupRunning;
    private int _cleanupRemoved;
    private TimeSpan _cleanupElapsed;
    private TimeSpan _lastCleanupDuration;
    private int _lastCleanupRemoved;

    // Handed off (StopPartition): the container stops as soon as nothing waits for an answer (Settled).
    private bool _stopping;

    private SessionContainer(SessionContainerOptions options)
    {
        _options = options;
        _settings = options.Settings;
        _storeSettings = options.StoreSettings ?? SessionStoreSettings.Default;
        _time = options.TimeProvider ?? TimeProvider.System;
        _log = (ILogger?)options.LoggerFactory?.CreateLogger<SessionContainer>() ?? new ActorSystemLogger(Context.GetLogger());
        _book = new SessionBook(ShareOf(_settings), _time.TimestampFrequency, options.SessionFactory, _log, options.Partition ?? 0, options.Settings.Partitions);
        _commitTimeoutTicks = (long)(_storeSettings.CommitTimeout.TotalSeconds * Stopwatch.Frequency);
        _metrics = new SessionContainerMetrics(Self.Path.ToStringWithoutAddress(), () => _book.Count);
    }

    /// <inheritdoc />
    ITimerScheduler IWithTimers.Timers { get; set; } = null!;

    /// <summary>One partition's limits: <c>max-sessions</c> and <c>max-memory</c> are totals, split evenly over the partitions.</summary>
    private static SessionSettings ShareOf(SessionSettings settings) => settings.Partitions == 1
        ? settings
        : settings with
        {
            MaxSessions = (int)Math.Max(1, ((long)settings.MaxSessions + settings.Partitions - 1) / settings.Partitions),
            MaxMemory = settings.MaxMemory is { } memory ? Math.Max(1, memory / settings.Partitions) : null,
        };

    private ITimerScheduler Timers => ((IWithTimers)this).Timers;

    /// <summary>The <see cref="Akka.Actor.Props"/> to start a container in memory with.</summary>
    /// <param name="settings">Its settings, e.g. <see cref="SessionSettings.Default"/> or <see cref="SessionSettings.Create"/>.</param>
    /// <param name="timeProvider">Its clock; <see cref="TimeProvider.System"/> when <see langword="null"/>. Tests pass a <c>FakeTimeProvider</c>.</param>
    public static Props Props(SessionSettings settings, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Props(new SessionContainerOptions(settings) { TimeProvider = timeProvider });
    }

    /// <summary>The <see cref="Akka.Actor.Props"/> to start a container with: in memory, or durable over <see cref="SessionContainerOptions.Store"/>.</summary>
    public static Props Props(SessionContainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Settings, nameof(options.Settings));
        var most = SessionPartitioner.MaxPartitionsFor(options.Settings.SessionIdLength);
        if (options.Settings.Partitions < 1 || options.Settings.Partitions > most)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Settings.Partitions, $"actor-sessions.partitions must be from 1 to {most} with {options.Settings.SessionIdLength}-character ids, so that an id drawn for a partition keeps {SessionPartitioner.MinPartitionedIdBits} random bits.");
        }

        if (options.Partition is { } p && (p < 0 || p >= options.Settings.Partitions))
        {
            throw new ArgumentOutOfRangeException(nameof(options), p, $"Partition must be from 0 to {options.Settings.Partitions - 1}.");
        }

        return options.Settings.Partitions > 1 && options.Partition is null
            ? SessionPartitionRouter.Props(options)
            : Akka.Actor.Props.CreateBy(new Producer(options));
    }

    /// <summary>Makes containers, so that the constructor is not public: <see cref="Props(SessionContainerOptions)"/> is how one starts.</summary>
    private sealed class Producer(SessionContainerOptions options) : IIndirectActorProducer
    {
        public Type ActorType => typeof(SessionContainer);

        public ActorBase Produce() => new SessionContainer(options);

        public void Release(ActorBase actor)
        {
        }
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(CleanupTimerKey, CleanupTick.Instance, _settings.CleanupInterval);
        if (_options.Store is not { } store)
        {
            BecomeServing();
            return;
        }

        var journal = Context.ActorOf(
            SessionJournal.Props(store, _settings, _storeSettings, _time, new JournalGate(), _metrics, _log, _options.Partition ?? 0, _options.Settings.Partitions, _options.CommitYield),
            "journal");
        _journal = JournalLink.To(journal);
        _metrics.AttachStore(() => _pending.Writes + _journal.Waiting, () => _writable);
        Timers.StartPeriodicTimer(TouchFlushTimerKey, FlushTouches.Instance, _storeSettings.TouchFlushInterval);
        BecomeRecovering();
        journal.Tell(new JournalRecover());
    }

    /// <inheritdoc />
    protected override void PostStop() => _metrics.Dispose();

    /// <summary>A fault of the journal restarts the journal, however often: never the container, whose sessions would be lost.</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: -1, withinTimeRange: Timeout.InfiniteTimeSpan, localOnlyDecider: _ => Directive.Restart);

    /// <summary>
    /// The last line of defence: a bug that throws while handling one message must not restart the actor,
    /// since a restart drops every session. The sender gets the failure; the error is logged.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            if (message is StopPartition)
            {
                StopWhenSettled();
                return true;
            }

            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            ContainerLog.HandlerFailed(_log, e, message.GetType().Name);
            if (!Sender.IsNobody())
            {
                Sender.Tell(new Status.Failure(e));
            }

            return true;
        }
        finally
        {
            if (_stopping && Settled)
            {
                Context.Stop(Self);
            }
        }
    }

    /// <summary>
    /// Nothing waits for an answer: no write for the store, no request held for the recovery to end or for
    /// its session to be looked up.
    /// </summary>
    private bool Settled => _pending.IsEmpty && _held.Count == 0 && _awaiting.Count == 0;

    /// <summary>
    /// The shard hands this partition to another node: the touches held behind are flushed, and the
    /// container stops once every write waiting for the store has been answered and every request held
    /// while it recovers has been served (see the finally above and <see cref="Settled"/>), so no caller is
    /// left without an answer. This copy still holds the partition's epoch until it stops, as the next
    /// one starts only then.
    /// </summary>
    private void StopWhenSettled()
    {
        _stopping = true;
        if (_writable && _journal.Journal is not null)
        {
            Flush(ActorRefs.Nobody);
        }
    }

    // ----- Behaviours -----

    /// <summary>Serving every request; writes are taken.</summary>
    private void BecomeServing()
    {
        _writable = true;
        Become(() => ReceiveAny(m =>
        {
            if (!Serve(m, Sender))
            {
                Unhandled(m);
            }
        }));
    }

    /// <summary>The store failed: reads are served from memory; writes are refused until the journal says the store is back.</summary>
    private void BecomeStoreUnavailable(string reason)
    {
        _lastStoreFailure = reason;
        _writable = false;
        Become(() => ReceiveAny(m =>
        {
            if (!Serve(m, Sender))
            {
                Unhandled(m);
            }
        }));
    }

    /// <summary>
    /// Another writer took this container's partition of the store (a second process on the same database,
    /// a copy on a node that was cut off): what it holds is stale, so it answers every request with a
    /// failure, reads too, and never writes again. Restarting the process (or the shard) recovers afresh.
    /// </summary>
    private void BecomeFenced(Exception reason)
    {
        _lastStoreFailure = reason.Message;
        _writable = false;
        var failure = new Status.Failure(new SessionStoreUnavailableException(
            $"This session container's partition was taken over by another writer; it serves nothing more: {reason.Message}", reason));
        StopServingWhileRecovering();
        foreach (var (message, sender) in _held)
        {
            Refuse(message, sender, failure);
        }

        _held.Clear();
        Become(() => ReceiveAny(m =>
        {
            if (m is GetSessionStoreStats)
            {
                _journal.Journal!.Tell(new JournalStats(_journal.Waiting), Sender);
            }
            else if (m is GetSessionStats)
            {
                Sender.Tell(Stats());
            }
            else if (m is ISessionMessage)
            {
                Refuse(m, Sender, failure);
            }
        }));
    }

    /// <summary>Filling the table from the store: requests are held (a bounded number) and served, in order, once it is done.</summary>
    private void BecomeRecovering()
    {
        _writable = false;
        Become(() => ReceiveAny(m =>
        {
            if (!ServeRecovery(m))
            {
                Hold(m, Sender);
            }
        }));
    }

    /// <summary>The store could not be read: without its sessions the container cannot answer truthfully, so requests fail until a retry succeeds.</summary>
    private void BecomeRecoveryUnavailable(string reason)
    {
        _lastStoreFailure = reason;
        _writable = false;
        Become(() => ReceiveAny(m =>
        {
            if (!ServeRecovery(m) && !Sender.IsNobody() && !Sender.Equals(Self))
            {
                Sender.Tell(new Status.Failure(new SessionStoreUnavailableException(
                    $"The session container is recovering its sessions and cannot reach its store: {_lastStoreFailure}")));
            }
        }));
    }

    /// <summary>The messages of a serving container; <see langword="false"/> for one it does not know.</summary>
    private bool Serve(object message, IActorRef sender) =>
        (_book.ServingWhileRecovering && WaitWhileRecovering(message, sender)) || ServeNow(message, sender);

    /// <summary>As <see cref="Serve(object, IActorRef)"/>, now, whether or not the rows are still read.</summary>
    private bool ServeNow(object message, IActorRef sender)
    {
        switch (message)
        {
            case ISessionRequest request:
                Serve(request, sender);
                return true;
            case SessionBatch batch:
                Serve(batch, sender);
                return true;
            case AdjustTime adjust:
                var turn = Turn();
                Conclude(_book.AdjustTime(adjust, turn), sender);
                return true;
            case GetSessionStats:
                sender.Tell(Stats());
                return true;
            case GetPartitionStats:
                sender.Tell(new PartitionStatsReport([new PartitionStats(_options.Partition ?? 0, NodeAddress(), Stats())]));
                return true;
            case CleanupSessions:
                // A cleanup sent with no sender (Tell from outside any actor) has no one to answer.
                if (!sender.IsNobody() && !sender.Equals(Context.System.DeadLetters))
                {
                    _cleanupWaiters.Add(sender);
                }

                StartCleanup();
                return true;
            case CleanupTick:
                StartCleanup();
                return true;
            case ContinueCleanup:
                RunCleanupChunk();
                return true;
            case FlushSessionStore:
                Flush(sender);
                return true;
            case FlushTouches:
                if (_writable)
                {
                    SendWaiting();
                }

                return true;
            default:
                return ServeJournal(message, sender);
        }
    }

    private void Serve(ISessionRequest request, IActorRef sender)
    {
        var turn = Turn();
        Conclude(_book.Handle(request, turn), sender);
    }

    private void Serve(SessionBatch batch, IActorRef sender)
    {
        if (batch.Requests is not { } requests)
        {
            sender.Tell(new Status.Failure(new ArgumentNullException(nameof(SessionBatch.Requests), "SessionBatch needs a list of requests.")));
            return;
        }

        if (requests.Count > SessionBatch.MaxRequests)
        {
            sender.Tell(new Status.Failure(new ArgumentOutOfRangeException(
                nameof(SessionBatch.Requests),
                requests.Count,
                $"A SessionBatch carries at most {SessionBatch.MaxRequests} requests; split it.")));
            return;
        }

        if (TooLateToAnswer(batch))
        {
            // Its caller stops waiting before this batch's commits could be done: storing its writes now
            // would make a caller that was told they failed wrong. Nothing of it is done.
            var late = new Status.Failure(new TimeoutException(
                "The request waited in the session container's mailbox too long to be answered before its caller stops waiting; nothing was done."));
            var lateReplies = new object[requests.Count];
            Array.Fill(lateReplies, late);
            sender.Tell(new SessionBatchHandled(lateReplies));
            return;
        }

        // A clock reading costs about a third of serving an open from the caches; a batch is one turn, so
        // it reads each clock once. The requests that wrote are marked: if the commit fails, only they fail.
        var turn = Turn();
        var replies = new object[requests.Count];
        bool[]? written = null;
        for (var i = 0; i < replies.Length; i++)
        {
            _book.Warm(requests, i);
            var writesBefore = _changes.Writes.Count;
            replies[i] = Answer(HandleOne(requests[i], turn));
            if (_changes.Writes.Count > writesBefore)
            {
                (written ??= new bool[replies.Length])[i] = true;
            }
        }

        Conclude(new SessionBatchHandled(replies), sender, written);
    }

    /// <summary>One request of a batch, answered as it would be on its own; whatever goes wrong stays in its slot.</summary>
    private object HandleOne(ISessionRequest request, in BookTurn turn)
    {
        try
        {
            return _book.Handle(request, turn);
        }
        catch (Exception e)
        {
            // As AroundReceive does for a single message, but only this slot fails.
            ContainerLog.BatchEntryFailed(_log, e, request?.GetType().Name);
            return e;
        }
    }

    /// <summary>
    /// Whether a durable container can no longer answer <paramref name="batch"/> by its
    /// <see cref="SessionBatch.AnswerBy"/>: a write waits at most for the commit in flight and then its own.
    /// </summary>
    /// <remarks>With the journal idle (every record answered) there is no commit in flight to wait for: only its own.</remarks>
    private bool TooLateToAnswer(SessionBatch batch) =>
        batch.AnswerBy != 0
        && !_journal.CommitsAtOnce
        && Stopwatch.GetTimestamp() > batch.AnswerBy - (_pending.JournalIdle ? _commitTimeoutTicks : 2 * _commitTimeoutTicks);

    /// <summary>
    /// Ends a turn: what happened without a write is applied now and touches are remembered; the reply goes
    /// out now if the turn wrote nothing, else once its writes are durable, and then their events.
    /// </summary>
    private void Conclude(object reply, IActorRef sender, bool[]? written = null)
    {
        foreach (var happened in _changes.Happened)
        {
            Apply(happened);
        }

        _journal.Touched(_changes, _book);
        var answer = reply is Nothing ? null : reply is SessionBatchHandled ? reply : Answer(reply);
        if (!_changes.Wrote)
        {
            Reply(sender, answer);
        }
        else if (_journal.CommitsAtOnce)
        {
            Reply(sender, answer);
            foreach (var @event in _changes.AfterCommit)
            {
                Apply(@event);
            }
        }
        else
        {
            var seq = _pending.NextSeq();
            _pending.Hold(seq, _changes, answer is null ? null : sender, answer, written);
            _journal.Record(seq, _changes, _book);
        }

        _changes.Clear();
    }

    private static void Reply(IActorRef sender, object? answer)
    {
        if (answer is not null)
        {
            sender.Tell(answer);
        }
    }

    /// <summary>The protocol's form of a book's reply: a failure as <see cref="Status.Failure"/>.</summary>
    private object Answer(object reply) => reply switch
    {
        Exception error => new Status.Failure(error),
        _ when ReferenceEquals(reply, SessionBook.WritesRefused) => new Status.Failure(new SessionStoreUnavailableException(
            $"The session store is unavailable ({_lastStoreFailure}); the write was not made. Reads still work; the container retries the store.")),
        _ => reply,
    };

    private BookTurn Turn() => new(_time.GetTimestamp(), _time.GetUtcNow().UtcTicks, _writable, _changes);

    /// <summary>
    /// The effects of a change that happened: its counter, its metric and its event, in that order, once.
    /// For a write, called only once its commit is done.
    /// </summary>
    private void Apply(ISessionMessage @event)
    {
        _book.Counters.Count(@event);
        switch (@event)
        {
            case SessionCreated { PreviousId: null }:
                _metrics.Created();
                break;
            case SessionEnded ended:
                _metrics.Ended(ended.Reason);
                break;
        }

        Context.System.EventStream.Publish(@event);
    }

    private SessionStats Stats()
    {
        var c = _book.Counters;
        return new SessionStats(_book.Count, c.Created, c.Expired, c.Deleted, c.Evicted, c.Renewed, _lastCleanupDuration, _lastCleanupRemoved)
        {
            DataBytes = _book.DataBytes,
        };
    }

    /// <summary>Where this container runs: the actor system's address, with host and port when it has remoting.</summary>
    private string NodeAddress() => ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();

    // ----- Cleanup -----

    private void StartCleanup()
    {
        _journal.Journal?.Tell(new JournalCleanup());
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
        var removed = _book.EndExpired(_settings.CleanupBatchSize, Turn());
        Conclude(Nothing.Instance, ActorRefs.Nobody);
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
        var done = new SessionsCleanedUp(_cleanupRemoved, _book.Count);
        foreach (var waiter in _cleanupWaiters)
        {
            waiter.Tell(done);
        }

        _cleanupWaiters.Clear();
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

    /// <summary>The written-behind touches are due.</summary>
    private sealed class FlushTouches
    {
        public static readonly FlushTouches Instance = new();
    }

    /// <summary>The reply of a turn that answers no one (a cleanup chunk, an eviction after recovery).</summary>
    private sealed class Nothing
    {
        public static readonly Nothing Instance = new();
    }
}
