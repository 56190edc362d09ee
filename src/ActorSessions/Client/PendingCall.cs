using Akka.Actor;

namespace ActorSessions;

/// <summary>
/// A call waiting for a reply of type <typeparamref name="T"/>: the task its caller awaits and the
/// request it sent. One object per call, so a call costs no more allocations than the task it returns.
/// </summary>
/// <remarks>
/// Continuations run asynchronously: replies are handed out on the container's or the client's own
/// thread, and a caller's code must neither hold that thread up nor run inside it.
/// </remarks>
internal sealed class PendingCall<T> : TaskCompletionSource<T>, IPendingCall
{
    private CancellationTokenRegistration _cancellation;

    public PendingCall(object request)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Request = request;
    }

    public object Request { get; }

    public long Deadline { get; set; }

    public bool IsDone => Task.IsCompleted;

    /// <summary>Cancels the call when <paramref name="token"/> is; a call not sent yet then never is.</summary>
    public void CancelWith(CancellationToken token)
    {
        if (token.CanBeCanceled)
        {
            _cancellation = token.UnsafeRegister(
                static (state, t) => ((PendingCall<T>)state!).TrySetCanceled(t),
                this);
        }
    }

    public void Complete(object reply)
    {
        // A Status.Failure answer faults the call with the container's exception, as Ask does.
        if (reply is Status.Failure failure)
        {
            TrySetException(failure.Cause ?? new InvalidOperationException("The session container refused the request without saying why."));
        }
        else if (reply is T typed)
        {
            TrySetResult(typed);
        }
        else
        {
            TrySetException(SessionClient.Unexpected(reply));
        }

        _cancellation.Unregister();
    }

    public void Fail(Exception error)
    {
        TrySetException(error);
        _cancellation.Unregister();
    }
}
