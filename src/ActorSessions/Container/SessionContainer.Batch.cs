using Akka.Actor;
using Akka.Event;

namespace ActorSessions;

/// <summary>The container's handling of <see cref="SessionBatch"/>: many requests in one turn.</summary>
public sealed partial class SessionContainer
{
    private object Handle(SessionBatch batch)
    {
        if (batch.Requests is not { } requests)
        {
            return Refused(new ArgumentNullException(nameof(SessionBatch.Requests), "SessionBatch needs a list of requests."));
        }

        if (requests.Count > SessionBatch.MaxRequests)
        {
            return Refused(new ArgumentOutOfRangeException(
                nameof(SessionBatch.Requests),
                requests.Count,
                $"A SessionBatch carries at most {SessionBatch.MaxRequests} requests; split it."));
        }

        var replies = new object[requests.Count];
        for (var i = 0; i < replies.Length; i++)
        {
            replies[i] = HandleOne(requests[i]);
        }

        return new SessionBatchHandled(replies);
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
                DeleteSession delete => Handle(delete),
                RenewSessionId renew => Handle(renew),
                null => Refused(new ArgumentNullException(nameof(SessionBatch.Requests), "A SessionBatch entry was null.")),
                _ => Refused(new ArgumentException(
                    $"A SessionBatch may carry OpenSession, GetSession, SaveSession, DeleteSession and RenewSessionId, not {request.GetType().Name}.",
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
