using System.Diagnostics;
using Akka.Actor;

namespace ActorSessions;

/// <summary>
/// Coalesces concurrent <see cref="SessionClient"/> calls into <see cref="SessionBatch"/> messages.
/// </summary>
/// <remarks>
/// <para>No timer holds a request back: a call goes out at once unless <see cref="_maxInFlight"/> messages
/// are already on their way; calls that arrive meanwhile wait in a queue and go out together, as one
/// batch, the moment a reply frees a place. A lone caller therefore sends a plain single message and
/// waits for nothing, while many callers fill each batch with whatever arrived during one round trip,
/// so the batch size follows the load by itself.</para>
/// <para>Timeouts are kept by one timer for the whole client, which runs only while calls are pending,
/// rather than one timer per call as <c>Ask</c> makes. Deadlines are counted in the timer's ticks (a
/// tenth of the timeout, between 1 and 100 ms), so a call costs no clock reading: it fails with
/// <see cref="TimeoutException"/> after its timeout and at most two ticks later.</para>
/// <para>The same timer resends, once, a call that had no answer within half its timeout, when its request is
/// safe to send twice (<see cref="RequestRetry"/>): a message dropped while its partition moved between nodes is
/// then answered by the partition's new node, and the call still fails after its one timeout if neither copy
/// is answered. The resends of one tick go out as one message, outside the in-flight limit. A call pays
/// nothing for this until it is late.</para>
/// </remarks>
internal sealed class RequestCoalescer : IDisposable
{
    /// <summary>The most requests one batch carries: the container serves a batch in one turn, which must stay short.</summary>
    internal const int MaxBatchSize = 256;

    private readonly IActorRef _container;
    private readonly IActorRefProvider _provider;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _tick;
    private readonly long _timeoutInTicks;
    private readonly long _resendWhenTicksLeft;
    private readonly long _timeoutInStopwatchTicks;
    private readonly int _maxInFlight;
    private readonly ITimer _timer;

    private readonly Lock _gate = new();
    private readonly Queue<IPendingCall> _queue = new();
    private readonly List<BatchInFlight> _inFlight = [];
    private readonly Stack<BatchInFlight> _idle = new();
    private int _counted;
    private long _ticks;
    private long _messagesSent;
    private long _callsSent;
    private long _callsResent;
    private bool _timerRunning;
    private bool _disposed;

    public RequestCoalescer(IActorRef container, IActorRefProvider provider, TimeSpan timeout, TimeProvider time, int maxInFlight)
    {
        _container = container;
        _provider = provider;
        _timeout = timeout;
        _tick = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 10, TimeSpan.TicksPerMillisecond, 100 * TimeSpan.TicksPerMillisecond));
        _timeoutInTicks = (timeout.Ticks + _tick.Ticks - 1) / _tick.Ticks;

        // Deadlines hold one tick more than the timeout (see Call): half the timeout after the call.
        _resendWhenTicksLeft = _timeoutInTicks + 1 - (_timeoutInTicks / 2);
        _timeoutInStopwatchTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        _maxInFlight = maxInFlight;
        _timer = time.CreateTimer(static s => ((RequestCoalescer)s!).CheckTimeouts(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Messages sent so far, and the calls they carried: their ratio is the mean batch size.</summary>
    public (long Messages, long Calls) Sent
    {
        get
        {
            lock (_gate)
            {
                return (_messagesSent, _callsSent);
            }
        }
    }

    /// <summary>Calls sent a second time so far (<see cref="RequestRetry"/>).</summary>
    public long Resent
    {
        get
        {
            lock (_gate)
            {
                return _callsResent;
            }
        }
    }

    /// <summary>Queues <paramref name="request"/> and sends it now, alone or with others, if a place is free.</summary>
    public Task<T> Call<T>(ISessionRequest request, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), typeof(SessionClient));
        var call = new PendingCall<T>(request);
        call.CancelWith(cancellationToken);
        lock (_gate)
        {
            // The next tick may come at once, so a call needs one tick more than its timeout holds.
            call.Deadline = _ticks + _timeoutInTicks + 1;
            if (BatchInFlight.WaitsForCommit(request))
            {
                // A clock reading is a good part of an open's cost here: only the calls that need it pay it.
                call.AnswerBy = Stopwatch.GetTimestamp() + _timeoutInStopwatchTicks;
            }
            if (_disposed)
            {
                call.Fail(new ObjectDisposedException(nameof(SessionClient)));
                return call.Task;
            }

            _queue.Enqueue(call);
            if (!_timerRunning)
            {
                _timerRunning = true;
                _timer.Change(_tick, _tick);
            }

            SendNextBatch();
        }

        return call.Task;
    }

    /// <summary>A message was answered: its place is free for the calls that queued up meanwhile.</summary>
    public void Replied(BatchInFlight batch)
    {
        lock (_gate)
        {
            Release(batch);
            if (!batch.Abandoned)
            {
                _idle.Push(batch);
            }

            SendNextBatch();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer.Dispose();
            var error = new ObjectDisposedException(nameof(SessionClient), "The session client was disposed before the container answered.");
            while (_queue.TryDequeue(out var call))
            {
                call.Fail(error);
            }

            foreach (var batch in _inFlight)
            {
                foreach (var call in batch.Calls)
                {
                    call.Fail(error);
                }

                batch.Abandon();
            }

            _inFlight.Clear();
            while (_idle.TryPop(out var idle))
            {
                idle.Abandon();
            }
        }
    }

    /// <summary>
    /// Sends the queued calls as one message if a place is free. Called under the lock, and the message
    /// is told under it too, so calls reach the container in the order they were made; a local
    /// <c>Tell</c> only enqueues.
    /// </summary>
    private void SendNextBatch()
    {
        if (_counted >= _maxInFlight)
        {
            return;
        }

        // Calls cancelled or timed out while they queued are never sent.
        while (_queue.TryPeek(out var first) && first.IsDone)
        {
            _queue.Dequeue();
        }

        if (_queue.Count == 0)
        {
            return;
        }

        var calls = new IPendingCall[Math.Min(_queue.Count, MaxBatchSize)];
        var taken = 0;
        while (taken < calls.Length && _queue.TryDequeue(out var call))
        {
            if (!call.IsDone)
            {
                calls[taken++] = call;
            }
        }

        if (taken < calls.Length)
        {
            Array.Resize(ref calls, taken);
        }

        if (!_idle.TryPop(out var batch))
        {
            batch = new BatchInFlight(this, _provider);
        }

        _inFlight.Add(batch);
        _counted++;
        _messagesSent++;
        _callsSent += calls.Length;
        batch.Send(_container, calls);
    }

    private void Release(BatchInFlight batch)
    {
        if (_inFlight.Remove(batch) && batch.Counted)
        {
            batch.Counted = false;
            _counted--;
        }
    }

    /// <summary>Sends <paramref name="calls"/> again, as one message that takes no in-flight place; under the lock.</summary>
    private void Resend(List<IPendingCall> calls)
    {
        if (!_idle.TryPop(out var batch))
        {
            batch = new BatchInFlight(this, _provider);
        }

        _inFlight.Add(batch);
        _callsResent += calls.Count;
        batch.Send(_container, [.. calls], counted: false);
    }

    /// <summary>The client's one timer: fails calls past their deadline, and stops itself when nothing is pending.</summary>
    private void CheckTimeouts()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var now = ++_ticks;
            var queued = _queue.Count;
            for (var i = 0; i < queued; i++)
            {
                var call = _queue.Dequeue();
                if (call.IsDone)
                {
                    continue;
                }

                if (call.Deadline <= now)
                {
                    call.Fail(TimedOut(call));
                    continue;
                }

                _queue.Enqueue(call);
            }

            List<IPendingCall>? resend = null;
            for (var i = _inFlight.Count - 1; i >= 0; i--)
            {
                var batch = _inFlight[i];
                foreach (var call in batch.Calls)
                {
                    if (call.IsDone)
                    {
                        continue;
                    }

                    if (call.Deadline <= now)
                    {
                        call.Fail(TimedOut(call));
                    }
                    else if (call.Deadline - now <= _resendWhenTicksLeft && RequestRetry.IsSafe(call.Request) && call.TryMarkResent())
                    {
                        (resend ??= []).Add(call);
                    }
                }

                // Nobody waits for this one any more: its place goes to the calls queued behind it.
                if (batch.AllDone)
                {
                    Release(batch);
                    batch.Abandon();
                }
            }

            if (resend is not null)
            {
                // In the order the calls were made: the batches were walked newest first.
                resend.Reverse();
                Resend(resend);
            }

            if (_queue.Count == 0 && _inFlight.Count == 0)
            {
                _timerRunning = false;
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            SendNextBatch();
        }
    }

    private TimeoutException TimedOut(IPendingCall call) =>
        new($"The session container did not answer {call.Request.GetType().Name} within {_timeout}.");
}
