using Akka.Actor;

namespace ActorSessions;

/// <summary>
/// Hands a batch's replies out to its calls on thread-pool threads, running each caller's code in turn,
/// while the rest of the batch is always on offer to another pool thread.
/// </summary>
/// <remarks>
/// <para>A work item per caller (continuations run asynchronously) costs a thread-pool dispatch per call;
/// running the callers one after another on one thread costs none, but a caller whose code blocks would then
/// hold up every caller behind it. So before a caller's code runs here, the calls after it are offered to the
/// pool (this object, queued once while no offer is pending): a pool thread with nothing else to do takes the
/// offer up and hands out the rest the same way, and a caller that blocks delays only itself, as it would with
/// a work item of its own. Under load nobody takes the offer up, and a batch costs two work items, not one per
/// caller. Each thread claims the next call with one atomic increment, so every call is handed out exactly
/// once; an offer taken up after the last call is a no-op.</para>
/// </remarks>
internal sealed class ReplyHandOut : IThreadPoolWorkItem
{
    private readonly IPendingCall[] _calls;
    private readonly IReadOnlyList<object>? _replies;
    private readonly object? _shared;
    private int _next = -1;
    private int _offered;

    private ReplyHandOut(IPendingCall[] calls, IReadOnlyList<object>? replies, object? shared)
    {
        _calls = calls;
        _replies = replies;
        _shared = shared;
    }

    /// <summary>Hands <paramref name="reply"/>, the container's answer to the message that carried <paramref name="calls"/>, out to them.</summary>
    public static void Run(IPendingCall[] calls, object reply)
    {
        if (calls.Length == 1)
        {
            // A lone write goes as a batch of one (BatchInFlight); a lone read goes bare.
            calls[0].Complete(reply is SessionBatchHandled { Replies.Count: 1 } single ? single.Replies[0] : reply);
            return;
        }

        var handOut = reply is SessionBatchHandled handled && handled.Replies.Count == calls.Length
            ? new ReplyHandOut(calls, handled.Replies, null)

            // Refused as a whole (a Status.Failure), or answered with something no call can take.
            : new ReplyHandOut(calls, null, reply as Status.Failure ?? new Status.Failure(new InvalidOperationException(
                $"The session container answered a batch of {calls.Length} with an unexpected {reply.GetType().Name}.")));
        handOut.HandOut();
    }

    /// <summary>A pool thread took the offer up: the next offer may be made, and this thread hands out what is left.</summary>
    public void Execute()
    {
        Volatile.Write(ref _offered, 0);
        HandOut();
    }

    private void HandOut()
    {
        var calls = _calls;
        int i;
        while ((i = Interlocked.Increment(ref _next)) < calls.Length)
        {
            if (i + 1 < calls.Length && Volatile.Read(ref _offered) == 0 && Interlocked.Exchange(ref _offered, 1) == 0)
            {
                // To this thread's own queue, where a continuation queued per caller would go too: the
                // pool's other threads steal from it when they run out of work, and this thread, done
                // with the batch, finds the offer spent.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
            }

            calls[i].Complete(_replies?[i] ?? _shared!);
        }
    }
}
