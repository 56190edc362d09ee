namespace ActorSessions.Server.Api;

/// <summary><c>GET /api/stats</c>: the container's figures, for the page's live panel and for monitoring.</summary>
internal static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/stats", async (ISessionClient client, CancellationToken cancellationToken) =>
        {
            var stats = await client.GetStatsAsync(cancellationToken);
            return Results.Ok(ContainerStats.From(stats));
        });
        return endpoints;
    }
}
