using ActorSessions.Durability;
using Akka.Actor;

namespace ActorSessions;

// The container's side of durability: the journal's answers, recovery, flush. The journal child owns the
// store; the container holds only what waits for a commit (PendingCommits) and undoes it if one fails.
public sealed partial class SessionContainer
{
    /// <summary>The journal's answers and the store's requests; <see langword="false"/> for a message that is neither.</summary>
    private bool ServeJournal(object message, IActorRef sender)
    {
        switch (message)
        {
            case JournalCommitted committed:
                foreach (var commit in _pending.Committed(committed.UpTo))
                {
                    // The replies first, then the effects, now that the changes are durable.
                    if (commit.ReplyTo is { } to)
                    {
                        to.Tell(commit.Reply);
                    }

                    foreach (var @event in commit.Events)
                    {
                        Apply(@event);
                    }
                }

                return true;
            case JournalFailed failed:
                Undo(failed.Error);
                BecomeStoreUnavailable(failed.Error.Message);
                return true;
            case JournalFenced fenced:
                Undo(fenced.Error);
                BecomeFenced(fenced.Error);
                return true;
            case JournalRestarted restarted when _book.ServingWhileRecovering:
                // The journal's read of the rows died with it: recovery starts again from the store, which
                // holds every write acknowledged; what waits is served once it is done.
                Undo(restarted.Error);
                StopServingWhileRecovering();
                _journal.Journal!.Tell(new JournalRecover());
                BecomeRecovering();
                return true;
            case JournalRestarted restarted:
                Undo(restarted.Error);
                BecomeStoreUnavailable($"the session journal failed: {restarted.Error.Message}");
                return true;
            case RecoveredChunk or RecoveryDone or JournalFound:
                return ServeRecoveryBehind(message);
            case JournalAvailable:
                BecomeServing();

                // The rows a failed commit left unknown are written first, whole, before any new write.
                SendWaiting();
                return true;
            case GetSessionStoreStats:
                if (_journal.Journal is { } journal)
                {
                    journal.Tell(new JournalStats(_journal.Waiting), sender);
                }
                else
                {
                    sender.Tell(new SessionStoreStats(false, false, 0, 0, 0, 0, 0, 0, 0, TimeSpan.Zero, null));
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The journal dropped every record it held: each write waiting is undone, newest first, its writers
    /// answered with the failure, and its events dropped; the sessions it carried are rewritten whole once
    /// the store is back.
    /// </summary>
    private void Undo(Exception error)
    {
        var failed = _pending.Failed();
        var now = _time.GetTimestamp();
        _book.Restore(failed.SelectMany(static c => c.Undo.Reverse()), now);
        _journal.Undone(failed);
        var failure = new Status.Failure(new SessionStoreUnavailableException(
            $"The session store failed to commit ({error.Message}); the write was not made.", error));
        foreach (var commit in failed)
        {
            if (commit.ReplyTo is not { } to)
            {
                continue;
            }

            to.Tell(commit.Written is { } written ? FailWritten((SessionBatchHandled)commit.Reply!, written, failure) : failure);
        }
    }

    /// <summary>A batch's answer after a failed commit: the requests that wrote fail, the reads stand.</summary>
    private static SessionBatchHandled FailWritten(SessionBatchHandled handled, bool[] written, Status.Failure failure)
    {
        var replies = handled.Replies.ToArray();
        for (var i = 0; i < replies.Length; i++)
        {
            if (written[i])
            {
                replies[i] = failure;
            }
        }

        return new SessionBatchHandled(replies);
    }

    /// <summary>Sends the journal the touches and rewrites waiting.</summary>
    private void SendWaiting()
    {
        if (_journal.Waiting > 0)
        {
            _journal.Flush(_pending.NextSeq(), _book);
        }
    }

    /// <summary>Answers <see cref="SessionStoreFlushed"/> once every touch and write made so far is durable.</summary>
    private void Flush(IActorRef sender)
    {
        if (_journal.CommitsAtOnce)
        {
            sender.Tell(SessionStoreFlushed.Instance);
            return;
        }

        if (!_writable)
        {
            sender.Tell(new Status.Failure(new SessionStoreUnavailableException(
                $"The session store is unavailable ({_lastStoreFailure}); nothing could be flushed.")));
            return;
        }

        var seq = _pending.NextSeq();
        if (!_journal.Flush(seq, _book))
        {
            // Nothing to send: the flush is answered when every record before it is.
            _journal.Journal!.Tell(new JournalRecord(seq, []));
        }

        _pending.HoldReply(seq, sender, SessionStoreFlushed.Instance);
    }

    // ----- Recovery -----

    /// <summary>Recovery's messages; <see langword="false"/> for any other, which waits.</summary>
    private bool ServeRecovery(object message)
    {
        switch (message)
        {
            case RecoveryStarted started:
                _recoveryAttempt = started.Attempt;
                _book.Clear();
                BecomeRecovering();
                return true;
            case RecoveredChunk chunk:
                if (chunk.Attempt == _recoveryAttempt)
                {
                    var now = _time.GetTimestamp();
                    var wallNow = _time.GetUtcNow().UtcTicks;
                    foreach (var s in chunk.Sessions)
                    {
                        _book.Recover(s.Id, s.Data, s.CreatedAtTicks, s.LastModifiedTicks, s.Version, now, wallNow);
                    }
                }

                return true;
            case RecoveryOpened opened when opened.Attempt == _recoveryAttempt:
                StartServingWhileRecovering();
                return true;
            case RecoveryDone done when done.Attempt == _recoveryAttempt:
                OnRecovered();
                return true;
            case RecoveryFailed failed when failed.Attempt == _recoveryAttempt:
                _book.Clear();
                BecomeRecoveryUnavailable(failed.Error.Message);
                FailHeld();
                return true;
            case RecoveryDone or RecoveryFailed or RecoveryOpened or JournalFound:
                return true;
            case JournalRestarted:
                // A recovery in progress died with the journal: it starts again.
                _journal.Journal!.Tell(new JournalRecover());
                return true;
            case GetSessionStoreStats:
                _journal.Journal!.Forward(new JournalStats(_journal.Waiting));
                return true;
            case JournalAvailable or JournalCommitted or JournalFailed:
                return true;
            case CleanupTick or ContinueCleanup or FlushTouches:
                return true;
            default:
                return false;
        }
    }

    private void OnRecovered()
    {
        _book.RecoveryDone();
        BecomeServing();

        // The store may hold more than max-sessions or max-memory allow (they were lowered): evicted as a write would.
        _book.EvictOverLimits(Turn());
        Conclude(Nothing.Instance, ActorRefs.Nobody);
        ServeHeld();
    }

    /// <summary>Serves the requests held while recovering, in the order they came.</summary>
    private void ServeHeld()
    {
        var held = _held.ToArray();
        _held.Clear();
        foreach (var (message, sender) in held)
        {
            if (!Serve(message, sender))
            {
                Unhandled(message);
            }
        }
    }

    private void Hold(object message, IActorRef sender)
    {
        if (_held.Count < MaxHeldWhileRecovering)
        {
            _held.Add((message, sender));
            return;
        }

        ContainerLog.RecoveryBufferFull(_log, _held.Count);
        if (!sender.IsNobody())
        {
            sender.Tell(new Status.Failure(new SessionStoreUnavailableException(
                $"The session container is still recovering its sessions from its store and holds {_held.Count} requests already; try again shortly.")));
        }
    }

    private void FailHeld()
    {
        var failure = new Status.Failure(new SessionStoreUnavailableException(
            $"The session container could not recover its sessions from its store: {_lastStoreFailure}"));
        foreach (var (_, sender) in _held)
        {
            if (!sender.IsNobody() && !sender.Equals(Self))
            {
                sender.Tell(failure);
            }
        }

        _held.Clear();
    }
}
