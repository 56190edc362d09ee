using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorSessions.Server.Cluster;

/// <summary>
/// This node as the page shows it in cluster mode: its address, its member status, and the partitions it
/// holds, as the cluster's readiness check (<c>/healthz</c>) sees them.
/// </summary>
/// <param name="Address">The node's Akka address.</param>
/// <param name="Status">Its member status (Up, Joining, Leaving, ...).</param>
/// <param name="Partitions">How many partitions the cluster has.</param>
/// <param name="Answering">How many of them answered.</param>
/// <param name="Held">The partitions this node holds.</param>
internal sealed record ClusterNode(string Address, string Status, int Partitions, int Answering, IReadOnlyList<int> Held)
{
    /// <summary>The node, or <see langword="null"/> when the server does not run in cluster mode.</summary>
    public static async Task<ClusterNode?> ReadAsync(HttpContext context)
    {
        if (!ServerCluster.IsEnabled(context.RequestServices.GetRequiredService<IConfiguration>()))
        {
            return null;
        }

        var health = context.RequestServices.GetRequiredService<HealthCheckService>();
        var report = await health.CheckHealthAsync(r => r.Name == ServerCluster.HealthCheckName, context.RequestAborted);
        if (!report.Entries.TryGetValue(ServerCluster.HealthCheckName, out var entry))
        {
            return null;
        }

        var data = entry.Data;
        var held = data.TryGetValue("heldPartitions", out var h) && h is string list && list.Length > 0
            ? list.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray()
            : [];
        return new ClusterNode(
            data.TryGetValue("self", out var self) ? self.ToString() ?? string.Empty : string.Empty,
            data.TryGetValue("status", out var status) ? status.ToString() ?? string.Empty : string.Empty,
            data.TryGetValue("partitions", out var p) && p is int partitions ? partitions : 0,
            data.TryGetValue("answering", out var a) && a is int answering ? answering : 0,
            held);
    }
}
