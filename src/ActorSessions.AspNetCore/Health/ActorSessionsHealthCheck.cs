using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ActorSessions.AspNetCore.Health;

/// <summary>
/// Reports whether sessions can be served and stored: Healthy while the container answers and its store (if
/// it has one) commits writes; Unhealthy, with the reason, while the container does not answer, is still
/// recovering its sessions, or its store refuses writes (then every write is answered 503, reads go on).
/// Registered with <c>AddHealthChecks().AddActorSessions()</c>; a failure is reported with the registration's
/// failure status, Unhealthy unless the app sets another, as ASP.NET Core's own checks do.
/// </summary>
internal sealed class ActorSessionsHealthCheck(IRequiredActor<SessionContainer> container, IOptions<ActorSessionsHttpOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeout = options.Value.IOTimeout;
        SessionStoreStats store;
        try
        {
            var actor = await container.GetAsync(cancellationToken).ConfigureAwait(false);
            store = await actor.Ask<SessionStoreStats>(GetSessionStoreStats.Instance, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The session container did not answer within {timeout.TotalMilliseconds:0} ms.", e);
        }

        var data = new Dictionary<string, object>
        {
            ["store"] = store.HasStore,
            ["storeAvailable"] = store.Available,
            ["pendingWrites"] = store.PendingWrites,
            ["commits"] = store.Commits,
            ["failedCommits"] = store.FailedCommits,
        };

        if (store.HasStore && !store.Available)
        {
            var reason = store.LastFailure is { } failure ? $": {failure}" : " while it recovers its sessions";
            return new HealthCheckResult(context.Registration.FailureStatus, $"The session store is not accepting writes{reason}. Writes are answered 503; reads go on.", data: data);
        }

        return HealthCheckResult.Healthy(store.HasStore ? "Sessions are served and their writes are stored." : "Sessions are served (in memory only).", data);
    }
}
