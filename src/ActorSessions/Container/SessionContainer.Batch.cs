using Akka.Actor;
using Akka.Event;

namespace ActorSessions;

/// <summary>The container's handling of <see cref="SessionBatch"/>: many requests in one turn.</summary>
public sealed partial class SessionContainer
{
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

        // With a store, the answer waits for the commit of the batch's writes; the requests that wrote
        // are remembered so that a failed commit fails only them.
        var replies = new object[requests.Count];
        bool[]? written = null;
        for (var i = 0; i < replies.Length; i++)
        {
            _wrote = false;
            replies[i] = HandleOne(requests[i]);
            if (_wrote)
            {
                (written ??= new bool[replies.Length])[i] = true;
            }
        }

        _wrote = written is not null;
        Reply(new SessionBatchHandled(replies), written);
    }

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
