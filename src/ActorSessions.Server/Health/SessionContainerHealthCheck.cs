using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorSessions.Server.Health;

/// <summary>Healthy while the session container answers; <c>/healthz</c> runs it.</summary>
internal sealed class SessionContainerHealthCheck(ISessionClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var stats = await client.GetStatsAsync(cancellationToken);
            return HealthCheckResult.Healthy($"The session container holds {stats.Count} sessions.");
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The session container did not answer in time.", e);
        }
    }
}
