using ActorSessions.AspNetCore.Health;
using ActorSessions.AspNetCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

// Beside ASP.NET Core's own health-check extensions, so no extra using is needed.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the ActorSessions health check.</summary>
public static class ActorSessionsHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check that is Healthy while the session container answers and its store commits writes, and
    /// Unhealthy, with the reason, while it does not answer, recovers its sessions, or its store refuses
    /// writes (then the middleware answers every write with 503).
    /// </summary>
    /// <param name="builder">The application's health checks.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags to filter the check by, e.g. <c>ready</c>.</param>
    public static IHealthChecksBuilder AddActorSessions(this IHealthChecksBuilder builder, string name = "actor-sessions", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<ActorSessionsHealthCheck>(name, HealthStatus.Unhealthy, tags ?? []);
    }
}
