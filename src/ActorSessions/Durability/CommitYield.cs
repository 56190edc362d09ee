using Akka.Actor;

namespace ActorSessions.Durability;

/// <summary>
/// What the journal yields to before a commit starts: the work already queued on the thread pool, which is
/// where the requests it serves run (Kestrel's, the actors', the callers' continuations). Letting that work
/// run first brings their writes to the journal in time to share the commit, and no timer is involved: with
/// nothing queued the commit starts at once. Tests replace it to decide when there is work and when a yield
/// comes back.
/// </summary>
internal class CommitYield
{
    /// <summary>The process's thread pool.</summary>
    public static CommitYield ThreadPoolQueue { get; } = new();

    /// <summary>Whether work is waiting for a pool thread (its global and per-thread queues).</summary>
    public virtual bool HasQueuedWork => ThreadPool.PendingWorkItemCount > 0;

    /// <summary>Tells <paramref name="journal"/> <paramref name="message"/> once the work queued now has run.</summary>
    /// <remarks>
    /// Queued on the pool's global queue, behind the work already there: a thread takes it up after what was
    /// queued before it.
    /// </remarks>
    public virtual void After(IActorRef journal, object message) =>
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Journal.Tell(s.Message, ActorRefs.NoSender), (Journal: journal, Message: message), preferLocal: false);
}
