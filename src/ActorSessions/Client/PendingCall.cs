using Akka.Actor;

namespace ActorSessions;

/// <summary>
/// A call waiting for a reply of type <typeparamref name="T"/>: the task its caller awaits and the
/// request it sent. One object per call, so a call costs no more allocations than the task it returns.
/// </summary>
/// <remarks>
/// <para>Its task runs continuations synchronously, so the caller's code runs on the thread that completes
/// it. Only two kinds of thread ever do: a thread-pool thread handing out a batch's replies
/// (<see cref="ReplyHandOut"/>, which offers the rest of the batch to another thread before each caller's
/// code runs), and, for a timeout, a cancellation or a disposal, a thread-pool work item of the call's own
/// (<see cref="CompleteLater"/>). The container's thread, the client's lock and the canceller's thread never
/// run a caller's code.</para>
/// <para>The first outcome claims the call (<see cref="IsDone"/> turns true at once), so a reply that comes
/// after a cancellation, a timeout or a disposal is dropped even while that outcome is still on its way to the
/// task.</para>
/// <para>A call sent a second time (<see cref="TryMarkResent"/>, see <see cref="RequestRetry"/>) has two copies
/// out: an answer that shows its copy took effect claims the call; one that shows its copy did not (a version
/// conflict, a failure) could hide the other copy's effect, so it claims the call only once the other copy has
/// answered too. One state word holds all of it, so the resend and the answers race safely.</para>
/// </remarks>
internal sealed class PendingCall<T> : TaskCompletionSource<T>, IPendingCall
{
    // One copy out, no answer yet.
    private const int Sent = 0;

    // Two copies out (resent), no answer yet.
    private const int Resent = 1;

    // Two copies out, and one answered that its copy had no effect.
    private const int OneInconclusive = 2;

    // Done: an outcome claimed the call.
    private const int Claimed = 3;

    private CancellationTokenRegistration _cancellation;
    private int _state;

    public PendingCall(ISessionRequest request)
        : base(TaskCreationOptions.None)
    {
        Request = request;
    }

    public ISessionRequest Request { get; }

    public long Deadline { get; set; }

    public long AnswerBy { get; set; }

    public bool IsDone => Volatile.Read(ref _state) == Claimed;

    public bool TryMarkResent() => Interlocked.CompareExchange(ref _state, Resent, Sent) == Sent;

    /// <summary>Cancels the call when <paramref name="token"/> is; a call not sent yet then never is.</summary>
    public void CancelWith(CancellationToken token)
    {
        if (token.CanBeCanceled)
        {
            _cancellation = token.UnsafeRegister(
                static (state, t) => ((PendingCall<T>)state!).CompleteLater(new OperationCanceledException(t)),
                this);
        }
    }

    public void Complete(object reply)
    {
        // The common case, one copy out: one atomic operation, as before retries existed.
        var state = Interlocked.CompareExchange(ref _state, Claimed, Sent);
        if (state == Sent)
        {
            Apply(reply);
            return;
        }

        if (state == Claimed)
        {
            return;
        }

        CompleteResent(reply, state);
    }

    public void Fail(Exception error) => CompleteLater(new Status.Failure(error));

    /// <summary>Claims the call for <paramref name="outcome"/> now and completes its task on a thread-pool thread.</summary>
    private void CompleteLater(object outcome)
    {
        // Rare (a timeout, a cancellation, a disposal): the work item is allocated here rather than
        // every call carrying a field for it.
        if (TryClaim())
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Call.Apply(s.Outcome), (Call: this, Outcome: outcome), preferLocal: false);
        }
    }

    private bool TryClaim() => Interlocked.Exchange(ref _state, Claimed) != Claimed;

    /// <summary>An answer to one of two copies: it claims the call if it is conclusive or the other copy answered already.</summary>
    private void CompleteResent(object reply, int state)
    {
        while (state != Claimed)
        {
            var next = state == Resent && !RequestRetry.IsConclusive(Request, reply) ? OneInconclusive : Claimed;
            var seen = Interlocked.CompareExchange(ref _state, next, state);
            if (seen == state)
            {
                if (next == Claimed)
                {
                    Apply(reply);
                }

                return;
            }

            state = seen;
        }
    }

    private void Apply(object outcome)
    {
        // A Status.Failure answer faults the call with the container's exception, as Ask does.
        switch (outcome)
        {
            case T typed:
                TrySetResult(typed);
                break;
            case Status.Failure failure:
                TrySetException(failure.Cause ?? new InvalidOperationException("The session container refused the request without saying why."));
                break;
            case OperationCanceledException cancelled:
                TrySetCanceled(cancelled.CancellationToken);
                break;
            case null:
                TrySetException(new InvalidOperationException("The session container's answer held no reply for this request."));
                break;
            default:
                TrySetException(SessionClient.Unexpected(outcome));
                break;
        }

        _cancellation.Unregister();
    }
}
