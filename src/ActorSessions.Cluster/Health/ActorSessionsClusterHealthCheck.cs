using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorSessions.Cluster.Health;

/// <summary>
/// Healthy once this node is ready (<see cref="ClusterReadiness"/>): an Up member, every region registered,
/// every partition answering. Unhealthy, with what is missing, until then, and whenever this node is not an
/// Up member. Once it has been ready, a partition that does not answer (its node was lost and another has not
/// taken it over yet) makes it Degraded, not Unhealthy: that partition is missing on every node alike, and this
/// node still serves all the others, so a load balancer that took every unready node out of rotation would
/// stop all traffic for the failover's seconds instead of the lost partition's. The data say what the node
/// sees: its address and status, the members, and the partitions it holds. Registered with
/// <c>AddHealthChecks().AddActorSessionsCluster()</c>.
/// </summary>
internal sealed class ActorSessionsClusterHealthCheck(ClusterReadiness readiness) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await readiness.CheckAsync(cancellationToken).ConfigureAwait(false);
        var data = new Dictionary<string, object>
        {
            ["self"] = report.Self.ToString(),
            ["status"] = report.Status.ToString(),
            ["members"] = report.Members,
            ["unreachable"] = report.Unreachable,
            ["regions"] = report.RegionsExpected - report.RegionsMissing,
            ["partitions"] = report.Partitions,
            ["answering"] = report.Answering,
            ["held"] = report.Held.Count,
            ["heldPartitions"] = string.Join(',', report.Held),
        };
        if (report.Ready)
        {
            // Kept by the readiness, a singleton: the health check service makes a check for each run.
            readiness.WasReady = true;
            return HealthCheckResult.Healthy(
                $"An Up member of a cluster of {report.Members}; all {report.Partitions} partitions answer, {report.Held.Count} of them on this node.", data);
        }

        if (report.Status != Akka.Cluster.MemberStatus.Up)
        {
            return HealthCheckResult.Unhealthy($"Not an Up member of the cluster ({report.Status}).", data: data);
        }

        var missing = new List<string>();
        if (report.RegionsMissing > 0 || report.RegionsExpected == 0)
        {
            missing.Add($"{report.RegionsMissing} of {report.RegionsExpected} members' shard regions are not registered with the coordinator yet");
        }

        if (report.Answering < report.Partitions)
        {
            missing.Add($"{report.Partitions - report.Answering} of {report.Partitions} partitions do not answer (partitions {string.Join(',', report.NotAnswering.Take(20))}{(report.NotAnswering.Count > 20 ? ",..." : string.Empty)})");
        }

        return readiness.WasReady
            ? HealthCheckResult.Degraded($"Serving, but not every partition: {string.Join("; ", missing)}.", data: data)
            : HealthCheckResult.Unhealthy($"Not ready: {string.Join("; ", missing)}.", data: data);
    }
}
