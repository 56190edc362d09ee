using Akka.Actor;

namespace ActorSessions;

/// <summary>
/// Puts a batch split by partition back together: each partition answers its part to a reference of its
/// own, which knows the slots of the batch its answers belong in; when every part is in, the caller gets
/// one <see cref="SessionBatchHandled"/> in the batch's order. Replies come on the partitions' threads.
/// </summary>
/// <remarks>
/// <para>Made <c>reachableRemotely</c> (the cluster front's partitions answer from other nodes), each part is
/// registered under its temporary path until every part has answered or <see cref="Release"/> gives them up.</para>
/// <para>Made <c>inParts</c> (the batch said <see cref="SessionBatch.AnswerInParts"/>), it passes each part's
/// answers on as they come, as a <see cref="SessionBatchPartHandled"/>, and joins nothing.</para>
/// </remarks>
internal sealed class BatchJoin
{
    private readonly IActorRef _replyTo;
    private readonly object[] _replies;
    private readonly IActorRefProvider _provider;
    private readonly List<Part>? _registered;
    private readonly bool _inParts;
    private int _partsLeft;

    public BatchJoin(IActorRef replyTo, int requests, int parts, IActorRefProvider provider, bool reachableRemotely = false, bool inParts = false)
    {
        _replyTo = replyTo;
        _inParts = inParts;
        _replies = inParts ? [] : new object[requests];
        _partsLeft = parts;
        _provider = provider;
        _registered = reachableRemotely ? new List<Part>(parts) : null;
    }

    /// <summary>The sender for the part that carries the batch's slots <paramref name="slots"/>, in order.</summary>
    public IActorRef For(int[] slots)
    {
        var part = new Part(this, slots, _provider);
        if (_registered is { } registered)
        {
            _provider.RegisterTempActor(part, part.Path);
            lock (registered)
            {
                registered.Add(part);
            }
        }

        return part;
    }

    /// <summary>Stops answers sent over the network from reaching the parts (they go to dead letters); idempotent.</summary>
    public void Release()
    {
        if (_registered is not { } registered)
        {
            return;
        }

        lock (registered)
        {
            foreach (var part in registered)
            {
                _provider.UnregisterTempActor(part.Path);
            }
        }
    }

    private void Answered(int[] slots, object reply)
    {
        if (_inParts)
        {
            _replyTo.Tell(new SessionBatchPartHandled(
                slots,
                reply is SessionBatchHandled { Replies: { } answers } && answers.Count == slots.Length ? answers : Enumerable.Repeat(reply, slots.Length).ToArray()));
            if (Interlocked.Decrement(ref _partsLeft) == 0)
            {
                Release();
            }

            return;
        }

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
            Release();
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
