using ActorSessions.AspNetCore;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Options;

namespace ActorSessions.Server.Api;

/// <summary>
/// <c>GET /api/stats</c>: the container's figures, for the page's live panel and for monitoring; and
/// <c>GET /api/stats/partitions</c>: each partition's figures and the node it runs on (their sum is the first).
/// </summary>
internal static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/stats", async (ISessionClient client, CancellationToken cancellationToken) =>
        {
            var stats = await client.GetStatsAsync(cancellationToken);
            return Results.Ok(ContainerStats.From(stats));
        });

        endpoints.MapGet("/api/stats/partitions", async (IRequiredActor<SessionContainer> container, IOptions<ActorSessionsHttpOptions> options, CancellationToken cancellationToken) =>
        {
            var timeout = options.Value.IOTimeout;
            PartitionStatsReport report;
            try
            {
                var actor = await container.GetAsync(cancellationToken);
                report = await actor.Ask<PartitionStatsReport>(GetPartitionStats.Instance, timeout, cancellationToken);
            }
            catch (AskTimeoutException)
            {
                // Every partition answers, or none is shown: in a cluster one may be moving to another node.
                return Results.Problem(
                    $"Not every partition answered within {timeout.TotalMilliseconds:0} ms; in a cluster one may be moving to another node. Try again shortly.",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            return Results.Ok(new { partitions = report.Partitions.Select(PartitionView.From) });
        });
        return endpoints;
    }
}
