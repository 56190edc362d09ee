using Akka.Actor;

namespace ActorSessions;

/// <summary>
/// Puts a batch split by partition back together: each partition answers its part to a reference of its
/// own, which knows the slots of the batch its answers belong in; when every part is in, the caller gets
/// one <see cref="SessionBatchHandled"/> in the batch's order. Replies come on the partitions' threads.
/// </summary>
internal sealed class BatchJoin
{
    private readonly IActorRef _replyTo;
    private readonly object[] _replies;
    private readonly IActorRefProvider _provider;
    private int _partsLeft;

    public BatchJoin(IActorRef replyTo, int requests, int parts, IActorRefProvider provider)
    {
        _replyTo = replyTo;
        _replies = new object[requests];
        _partsLeft = parts;
        _provider = provider;
    }

    /// <summary>The sender for the part that carries the batch's slots <paramref name="slots"/>, in order.</summary>
    public IActorRef For(int[] slots) => new Part(this, slots, _provider);

    private void Answered(int[] slots, object reply)
    {
        if (reply is SessionBatchHandled { Replies: { } replies } && replies.Count == slots.Length)
        {
            for (var i = 0; i < slots.Length; i++)
            {
                _replies[slots[i]] = replies[i];
            }
        }
        else
        {
            // The part was refused whole (too late to answer, say): each of its slots says so.
            foreach (var slot in slots)
            {
                _replies[slot] = reply;
            }
        }

        // The last part in sends the whole answer; writes to the slots happen before the decrement.
        if (Interlocked.Decrement(ref _partsLeft) == 0)
        {
            _replyTo.Tell(new SessionBatchHandled(_replies));
        }
    }

    private sealed class Part(BatchJoin join, int[] slots, IActorRefProvider provider) : MinimalActorRef
    {
        private readonly ActorPath _path = provider.TempPath();
        private int _answered;

        public override ActorPath Path => _path;

        public override IActorRefProvider Provider => provider;

        protected override void TellInternal(object message, IActorRef sender)
        {
            if (Interlocked.Exchange(ref _answered, 1) == 0)
            {
                join.Answered(slots, message);
            }
        }
    }
}
