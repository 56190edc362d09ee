using ActorSessions.Cluster.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

// Beside ASP.NET Core's own health-check extensions, so no extra using is needed.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the readiness check of a node that runs <c>WithActorSessionsCluster</c>.</summary>
public static class ActorSessionsClusterHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check that is Healthy once this node can serve every session: it is an Up member of the
    /// cluster, every Up member's shard region has registered with the coordinator, and every partition
    /// answers. It is Unhealthy, with what is missing, before that (so traffic does not begin while all
    /// the shards would land on the first nodes) and whenever this node is not an Up member; once the node
    /// has been ready, a partition that does not answer (its node was lost and another has not taken it over
    /// yet) makes it Degraded, which ASP.NET Core answers 200: the partition is missing on every node alike,
    /// and this node still serves the rest. Its data name this node's address and member status,
    /// the members, and how many partitions answer and which this node holds.
    /// </summary>
    /// <param name="builder">The application's health checks.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags to filter the check by, e.g. <c>ready</c>.</param>
    public static IHealthChecksBuilder AddActorSessionsCluster(this IHealthChecksBuilder builder, string name = "actor-sessions-cluster", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<ClusterReadiness>();
        return builder.AddCheck<ActorSessionsClusterHealthCheck>(name, HealthStatus.Unhealthy, tags ?? []);
    }
}
