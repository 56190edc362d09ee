using ActorSessions.Durability;
using Akka.Actor;

namespace ActorSessions;

// Serving while the rows are still read (actor-sessions.store.serve-while-recovering): the journal takes the
// partition, says so (RecoveryOpened) and reads the rows behind; the container serves from then on. A
// request about a session the book does not know yet waits, and its session is looked up by id
// (JournalFind); so that no request overtakes another, every request behind a waiting one waits too, in
// the order they came. Requests about sessions the book knows, with none waiting before them, are served
// at once, as after a full recovery.
public sealed partial class SessionContainer
{
    // Requests waiting for sessions to be looked up, in the order they came; and the ids being looked up.
    private readonly Queue<(object Message, IActorRef Sender)> _awaiting = new();
    private readonly HashSet<string> _lookingUp = new(StringComparer.Ordinal);

    // Ids whose lookup failed: the requests waiting for them are answered with a failure.
    private readonly HashSet<string> _lookupFailed = new(StringComparer.Ordinal);
    private readonly List<string> _toLookUp = [];

    // An AdjustTime or CleanupSessions came: it applies to every session, so it and everything behind it
    // wait for the last row, as in a full recovery.
    private bool _holdingAll;

    /// <summary>The journal has taken the partition and reads the rows behind: serve from now on.</summary>
    private void StartServingWhileRecovering()
    {
        _book.BeginServingWhileRecovering();
        BecomeServing();
        ServeHeld();
    }

    /// <summary>
    /// Whether <paramref name="message"/> waits (or was refused) instead of being served now, while the
    /// container serves during recovery.
    /// </summary>
    private bool WaitWhileRecovering(object message, IActorRef sender)
    {
        switch (message)
        {
            case ISessionRequest or SessionBatch or FlushSessionStore:
                if (_holdingAll)
                {
                    Hold(message, sender);
                    return true;
                }

                if (_awaiting.Count >= MaxHeldWhileRecovering)
                {
                    ContainerLog.RecoveryBufferFull(_log, _awaiting.Count);
                    Refuse(message, sender, $"The session container is still recovering its sessions from its store and holds {_awaiting.Count} requests already; try again shortly.");
                    return true;
                }

                // Served at once when nothing waits before it and it needs no lookup.
                if (!LookUpUnknown(message) && _awaiting.Count == 0)
                {
                    return false;
                }

                _awaiting.Enqueue((message, sender));
                SendLookups();
                return true;
            case AdjustTime or CleanupSessions:
                _holdingAll = true;
                Hold(message, sender);
                return true;
            case CleanupTick or ContinueCleanup:
                // The lists cleanup walks are sorted once the last row is read; the store's rows expire by themselves.
                return true;
            default:
                return false;
        }
    }

    /// <summary>The recovery messages of a container serving during recovery; <see langword="false"/> for any other.</summary>
    private bool ServeRecoveryBehind(object message)
    {
        switch (message)
        {
            case RecoveredChunk chunk:
                if (chunk.Attempt == _recoveryAttempt && _book.ServingWhileRecovering)
                {
                    AddRecovered(chunk.Sessions);

                    // A chunk may bring what the first requests waiting are about.
                    ServeAwaiting();
                }

                return true;
            case RecoveryDone done:
                if (done.Attempt == _recoveryAttempt && _book.ServingWhileRecovering)
                {
                    FinishServingWhileRecovering();
                }

                return true;
            case JournalFound found:
                if (found.Attempt == _recoveryAttempt && _book.ServingWhileRecovering)
                {
                    OnFound(found);
                }

                return true;
            default:
                return false;
        }
    }

    private void OnFound(JournalFound found)
    {
        foreach (var id in found.Ids)
        {
            _lookingUp.Remove(id);
        }

        if (found.Error is { } error)
        {
            _lastStoreFailure = error.Message;
            foreach (var id in found.Ids)
            {
                _lookupFailed.Add(id);
            }
        }
        else
        {
            AddRecovered(found.Sessions);
            foreach (var id in found.Ids)
            {
                _book.Settle(id);
            }
        }

        ServeAwaiting();
    }

    /// <summary>Serves the requests waiting from the first, until one whose sessions are still looked up.</summary>
    private void ServeAwaiting()
    {
        while (_awaiting.TryPeek(out var first))
        {
            var (waiting, failed) = StateOf(first.Message);
            if (failed)
            {
                _awaiting.Dequeue();
                Refuse(first.Message, first.Sender, $"The session container is recovering its sessions and could not read this one from its store ({_lastStoreFailure}); nothing was done.");
                continue;
            }

            if (waiting)
            {
                break;
            }

            _awaiting.Dequeue();
            if (!ServeNow(first.Message, first.Sender))
            {
                Unhandled(first.Message);
            }
        }

        SendLookups();
    }

    /// <summary>
    /// The last row is read: the book sorts its lists, limits are applied to every session, and everything
    /// that waited is served in order (each session is known now), then what waited for the last row.
    /// </summary>
    private void FinishServingWhileRecovering()
    {
        var awaiting = _awaiting.ToArray();
        _awaiting.Clear();
        ForgetLookups();
        _book.RecoveryDone();
        _book.EvictOverLimits(Turn());
        Conclude(Nothing.Instance, ActorRefs.Nobody);
        foreach (var (message, sender) in awaiting)
        {
            if (!ServeNow(message, sender))
            {
                Unhandled(message);
            }
        }

        ServeHeld();
    }

    /// <summary>
    /// Serving during recovery ends without its rows (the journal restarted, or the partition was taken): the
    /// requests waiting go back, before those held, to be served by what comes next.
    /// </summary>
    private void StopServingWhileRecovering()
    {
        if (!_book.ServingWhileRecovering && _awaiting.Count == 0)
        {
            return;
        }

        _held.InsertRange(0, _awaiting);
        _awaiting.Clear();
        ForgetLookups();
    }

    /// <summary>Serving during recovery is over: no lookup's answer is waited for, nothing waits for the last row.</summary>
    private void ForgetLookups()
    {
        _lookingUp.Clear();
        _lookupFailed.Clear();
        _toLookUp.Clear();
        _holdingAll = false;
    }

    private void AddRecovered(IReadOnlyList<RecoveredSession> sessions)
    {
        var now = _time.GetTimestamp();
        var wallNow = _time.GetUtcNow().UtcTicks;
        foreach (var s in sessions)
        {
            _book.Recover(s.Id, s.Data, s.CreatedAtTicks, s.LastModifiedTicks, s.Version, now, wallNow);
        }
    }

    /// <summary>Queues a lookup of each session <paramref name="message"/> is about that the book does not know and no lookup is under way for; whether it is about any the book does not know.</summary>
    private bool LookUpUnknown(object message)
    {
        var unknown = false;
        foreach (var id in IdsOf(message))
        {
            if (_book.Knows(id))
            {
                continue;
            }

            unknown = true;
            if (_lookingUp.Add(id!))
            {
                _lookupFailed.Remove(id!);
                _toLookUp.Add(id!);
            }
        }

        return unknown;
    }

    /// <summary>Whether <paramref name="message"/> still waits for a lookup, and whether a lookup it waits for failed (a new lookup is queued for any session it needs that nobody is looking up).</summary>
    private (bool Waiting, bool Failed) StateOf(object message)
    {
        var (waiting, failed) = (false, false);
        foreach (var id in IdsOf(message))
        {
            if (_book.Knows(id))
            {
                continue;
            }

            if (_lookupFailed.Contains(id!))
            {
                failed = true;
            }
            else
            {
                waiting = true;
                if (_lookingUp.Add(id!))
                {
                    _toLookUp.Add(id!);
                }
            }
        }

        return (waiting, failed);
    }

    private void SendLookups()
    {
        if (_toLookUp.Count > 0)
        {
            _journal.Journal!.Tell(new JournalFind(_recoveryAttempt, _toLookUp.ToArray()));
            _toLookUp.Clear();
        }
    }

    private static IEnumerable<string?> IdsOf(object message)
    {
        switch (message)
        {
            case ISessionRequest request:
                yield return SessionRequests.IdOf(request);
                break;
            case SessionBatch { Requests: { } requests }:
                foreach (var request in requests)
                {
                    yield return SessionRequests.IdOf(request);
                }

                break;
        }
    }

    /// <summary>Answers a request that cannot be served with a <see cref="SessionStoreUnavailableException"/>, every part of a batch alike.</summary>
    private static void Refuse(object message, IActorRef sender, string reason) =>
        Refuse(message, sender, new Status.Failure(new SessionStoreUnavailableException(reason)));

    /// <summary>Answers a request that cannot be served with <paramref name="failure"/>, every part of a batch alike.</summary>
    private static void Refuse(object message, IActorRef sender, Status.Failure failure)
    {
        if (sender.IsNobody())
        {
            return;
        }

        sender.Tell(message is SessionBatch { Requests: { } requests } ? new SessionBatchHandled(Enumerable.Repeat<object>(failure, requests.Count).ToArray()) : failure);
    }
}
