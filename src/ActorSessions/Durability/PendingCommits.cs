using Akka.Actor;

namespace ActorSessions.Durability;

/// <summary>
/// The container's side of durability: for every record sent to the journal and not yet answered, how to
/// undo its writes and who waits for it, in the order the records were numbered. As a persistent actor
/// holds its pending batch until <c>WriteMessageSuccess</c>: on commit the replies go out, then the events;
/// on failure the writes are undone newest first and the writers fail; nothing is published.
/// </summary>
internal sealed class PendingCommits
{
    private readonly Queue<PendingCommit> _pending = new();
    private long _lastSeq;
    private long _answeredUpTo;

    /// <summary>Writes held until their commit; read by the metrics' collection off the actor's thread, so a stale count does no harm.</summary>
    public int Writes { get; private set; }

    public bool IsEmpty => _pending.Count == 0;

    /// <summary>Whether the journal has answered every record sent, touches included: no commit can be in flight.</summary>
    public bool JournalIdle => _answeredUpTo == _lastSeq;

    /// <summary>The next record's number.</summary>
    public long NextSeq() => ++_lastSeq;

    /// <summary>Holds a record's reply (if any) and events until it commits; <paramref name="written"/> marks a batch's writing slots.</summary>
    public void Hold(long seq, BookChanges changes, IActorRef? replyTo, object? reply, bool[]? written)
    {
        _pending.Enqueue(new PendingCommit(seq, [.. changes.Writes], [.. changes.AfterCommit], replyTo, reply, written));
        Writes += changes.Writes.Count;
    }

    /// <summary>Holds only a reply, answered once every record before it has committed (a flush).</summary>
    public void HoldReply(long seq, IActorRef replyTo, object reply) =>
        _pending.Enqueue(new PendingCommit(seq, [], [], replyTo, reply, null));

    /// <summary>Takes, oldest first, what every record up to <paramref name="upTo"/> held: durable now.</summary>
    public IEnumerable<PendingCommit> Committed(long upTo)
    {
        _answeredUpTo = Math.Max(_answeredUpTo, upTo);
        while (_pending.TryPeek(out var next) && next.Seq <= upTo)
        {
            _pending.Dequeue();
            Writes -= next.Undo.Length;
            yield return next;
        }
    }

    /// <summary>Takes everything held, newest first: the journal dropped it.</summary>
    public PendingCommit[] Failed()
    {
        var all = _pending.ToArray();
        Array.Reverse(all);
        _pending.Clear();
        Writes = 0;
        _answeredUpTo = _lastSeq;
        return all;
    }
}

/// <summary>One record awaiting its commit.</summary>
internal sealed record PendingCommit(long Seq, BookWrite[] Undo, ISessionMessage[] Events, IActorRef? ReplyTo, object? Reply, bool[]? Written);
