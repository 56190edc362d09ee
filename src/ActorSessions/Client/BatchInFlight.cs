using Akka.Actor;

namespace ActorSessions;

/// <summary>
/// One message the <see cref="RequestCoalescer"/> sent the container, a single request or a
/// <see cref="SessionBatch"/>, and the calls waiting for it. It is the message's sender: the container's
/// reply comes straight here, with no temporary actor and no timer per request as <c>Ask</c> would make.
/// </summary>
/// <remarks>
/// Once its reply has come it carries the client's next message: it is registered as a temporary actor
/// once, not once a message. The container answers every message exactly once, so after the reply
/// nothing more can arrive for the message before. One whose calls all timed out is abandoned instead,
/// since its reply may still come; it is never used again.
/// </remarks>
internal sealed class BatchInFlight : MinimalActorRef, IThreadPoolWorkItem
{
    private readonly RequestCoalescer _owner;
    private readonly IActorRefProvider _provider;
    private readonly ActorPath _path;
    private IPendingCall[] _calls = [];
    private object? _reply;
    private int _replied;

    // Calls whose answers have not come yet, when the answers come in parts (SessionBatchPartHandled).
    private int _slotsLeft;

    public BatchInFlight(RequestCoalescer owner, IActorRefProvider provider)
    {
        _owner = owner;
        _provider = provider;
        _path = provider.TempPath();

        // Registered so that a reply finds it by path even from another node.
        _provider.RegisterTempActor(this, _path);
    }

    public override ActorPath Path => _path;

    public override IActorRefProvider Provider => _provider;

    /// <summary>Whether the coalescer still counts this message against its in-flight limit; guarded by its lock.</summary>
    public bool Counted { get; set; }

    /// <summary>Whether it was given up on (every call timed out) and is never to carry a message again; guarded by the coalescer's lock.</summary>
    public bool Abandoned { get; private set; }

    public IReadOnlyList<IPendingCall> Calls => _calls;

    public bool AllDone
    {
        get
        {
            foreach (var call in _calls)
            {
                if (!call.IsDone)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// Sends <paramref name="calls"/> as one message; called under the coalescer's lock, with the last reply in.
    /// A resend is not <paramref name="counted"/> against the in-flight limit.
    /// </summary>
    public void Send(IActorRef container, IPendingCall[] calls, bool counted = true)
    {
        _calls = calls;
        _reply = null;
        Counted = counted;
        _slotsLeft = calls.Length;
        Volatile.Write(ref _replied, 0);
        // A write waits for its commit: it goes as a batch, which carries when its caller stops waiting, so
        // the container refuses it rather than store it after the caller was told it failed. The earliest
        // write's time holds for the batch: the calls queued in order.
        object message = calls.Length == 1 && calls[0].AnswerBy == 0
            ? calls[0].Request
            : new SessionBatch(Requests()) { AnswerBy = FirstAnswerBy(calls), AnswerInParts = true };
        container.Tell(message, this);
    }

    /// <summary>No reply will be awaited any more (every call timed out or was cancelled), or the client is disposed.</summary>
    public void Abandon()
    {
        Abandoned = true;
        _provider.UnregisterTempActor(_path);
    }

    /// <summary>Runs on the thread pool: sends the next message, then hands this one's replies out.</summary>
    public void Execute()
    {
        // The next batch goes out first, so the container has work while these replies are handed out;
        // it may go out through this very object, so the calls answered here are taken beforehand.
        var calls = _calls;
        var reply = _reply!;
        _owner.Replied(this);
        ReplyHandOut.Run(calls, reply);
    }

    protected override void TellInternal(object message, IActorRef sender)
    {
        if (message is SessionBatchPartHandled part)
        {
            // A cluster front's answer to one partition's share of the batch; the others come on their own.
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Batch.HandOut(s.Calls, s.Part), (Batch: this, Calls: _calls, Part: part), preferLocal: false);
            return;
        }

        // Only the first answer counts; anything later (there should be nothing) is dropped.
        if (Interlocked.Exchange(ref _replied, 1) != 0)
        {
            return;
        }

        // Called on the container's thread, which must neither run the callers' code nor wait for it:
        // the replies are handed out on the thread pool, and the container goes on with its mailbox.
        _reply = message;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Runs on the thread pool: hands one part's answers out; the last part frees the message's place, as a whole answer does.</summary>
    private void HandOut(IPendingCall[] calls, SessionBatchPartHandled part)
    {
        var slots = part.Slots;
        if (slots.Length == 0 || slots.Length != part.Replies.Count || slots.Any(s => (uint)s >= (uint)calls.Length))
        {
            return;
        }

        var mine = new IPendingCall[slots.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            mine[i] = calls[slots[i]];
        }

        if (Interlocked.Add(ref _slotsLeft, -slots.Length) == 0)
        {
            _owner.Replied(this);
        }

        ReplyHandOut.Run(mine, new SessionBatchHandled(part.Replies));
    }

    /// <summary>Whether the container's answer to <paramref name="request"/> waits for a commit: anything but a read or the opening of a session that exists.</summary>
    internal static bool WaitsForCommit(ISessionRequest request) =>
        request is not (GetSession or TouchSession or OpenSession { SessionId: not null } or UpdateSession { IsTouchOnly: true });

    private static long FirstAnswerBy(IPendingCall[] calls)
    {
        foreach (var call in calls)
        {
            if (call.AnswerBy != 0)
            {
                return call.AnswerBy;
            }
        }

        return 0;
    }

    private ISessionRequest[] Requests()
    {
        var requests = new ISessionRequest[_calls.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            requests[i] = _calls[i].Request;
        }

        return requests;
    }
}
