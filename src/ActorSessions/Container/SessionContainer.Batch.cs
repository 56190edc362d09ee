using System.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace ActorSessions;

/// <summary>The container's handling of <see cref="SessionBatch"/>: many requests in one turn.</summary>
public sealed partial class SessionContainer
{
    private const int WarmWindow = 64;

    private readonly string?[] _warmIds = new string?[WarmWindow];
    private bool _batchClock;
    private long _batchNow;
    private long _batchWallTicks;

    private void Handle(SessionBatch batch)
    {
        if (batch.Requests is not { } requests)
        {
            Sender.Tell(Refused(new ArgumentNullException(nameof(SessionBatch.Requests), "SessionBatch needs a list of requests.")));
            return;
        }

        if (requests.Count > SessionBatch.MaxRequests)
        {
            Sender.Tell(Refused(new ArgumentOutOfRangeException(
                nameof(SessionBatch.Requests),
                requests.Count,
                $"A SessionBatch carries at most {SessionBatch.MaxRequests} requests; split it.")));
            return;
        }

        if (TooLateToAnswer(batch))
        {
            // Its caller stops waiting before this batch's commits could be done: storing its writes now
            // would make a caller that was told they failed wrong. Nothing of it is done.
            var late = new Status.Failure(new TimeoutException(
                "The request waited in the session container's mailbox too long to be answered before its caller stops waiting; nothing was done."));
            var lateReplies = new object[requests.Count];
            Array.Fill(lateReplies, late);
            Sender.Tell(new SessionBatchHandled(lateReplies));
            return;
        }

        // With a store, the answer waits for the commit of the batch's writes; the requests that wrote
        // are remembered so that a failed commit fails only them.
        var replies = new object[requests.Count];
        bool[]? written = null;

        // A clock reading costs about a third of serving an open from the caches; a batch is one turn, so it
        // reads each clock once.
        _batchNow = _time.GetTimestamp();
        _batchWallTicks = _time.GetUtcNow().UtcTicks;
        _batchClock = true;
        try
        {
            for (var i = 0; i < replies.Length; i++)
            {
                if (i % WarmWindow == 0)
                {
                    Warm(requests, i);
                }

                _wrote = false;
                replies[i] = HandleOne(requests[i]);
                if (_wrote)
                {
                    (written ??= new bool[replies.Length])[i] = true;
                }
            }
        }
        finally
        {
            _batchClock = false;
        }

        _wrote = written is not null;
        Reply(new SessionBatchHandled(replies), written);
    }

    /// <summary>
    /// Has the table read the entries of the next <see cref="WarmWindow"/> requests into the CPU caches
    /// together (<see cref="SessionTable.Warm"/>), before they are served one by one. A window rather than
    /// the whole batch, so that what is warmed is still in the caches when its request is served.
    /// </summary>
    private void Warm(IReadOnlyList<object?> requests, int start)
    {
        var ids = _warmIds.AsSpan(0, Math.Min(WarmWindow, requests.Count - start));
        for (var i = 0; i < ids.Length; i++)
        {
            var id = requests[start + i] switch
            {
                OpenSession open => open.SessionId,
                GetSession get => get.SessionId,
                SaveSession save => save.Session?.Id,
                UpdateSession update => update.SessionId,
                DeleteSession delete => delete.SessionId,
                RenewSessionId renew => renew.SessionId,
                _ => null,
            };

            // Only what could be an id is hashed here; FindLive checks the rest.
            ids[i] = id?.Length is >= SessionSettings.MinSessionIdLength and <= SessionSettings.MaxSessionIdLength ? id : null;
        }

        _table.Warm(ids);
        ids.Clear();
    }

    /// <summary>
    /// Whether a durable container can no longer answer <paramref name="batch"/> by its
    /// <see cref="SessionBatch.AnswerBy"/>: a write waits at most for the commit in flight and then its own.
    /// </summary>
    private bool TooLateToAnswer(SessionBatch batch) =>
        batch.AnswerBy != 0 && _store is not null && Stopwatch.GetTimestamp() > batch.AnswerBy - _answerMargin;

    /// <summary>One request of a batch, answered as it would be on its own; whatever goes wrong stays in its slot.</summary>
    private object HandleOne(object? request)
    {
        try
        {
            return request switch
            {
                OpenSession open => Handle(open),
                GetSession get => Handle(get),
                SaveSession save => Handle(save),
                UpdateSession update => Handle(update),
                DeleteSession delete => Handle(delete),
                RenewSessionId renew => Handle(renew),
                null => Refused(new ArgumentNullException(nameof(SessionBatch.Requests), "A SessionBatch entry was null.")),
                _ => Refused(new ArgumentException(
                    $"A SessionBatch may carry OpenSession, GetSession, SaveSession, UpdateSession, DeleteSession and RenewSessionId, not {request.GetType().Name}.",
                    nameof(SessionBatch.Requests))),
            };
        }
        catch (Exception e)
        {
            // As AroundReceive does for a single message, but only this slot fails.
            _log.Error(e, "The session container failed to handle {0} in a batch; the rest of the batch is served.", request?.GetType().Name);
            return new Status.Failure(e);
        }
    }
}
