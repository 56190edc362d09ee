namespace ActorSessions.Server.Api;

/// <summary>The container's figures as <c>GET /api/stats</c> returns them.</summary>
/// <param name="Sessions">Sessions held right now.</param>
/// <param name="Created">Sessions created since the server started.</param>
/// <param name="Ended">Sessions ended, by reason.</param>
/// <param name="LastCleanup">The last finished cleanup.</param>
internal sealed record ContainerStats(int Sessions, long Created, EndedSessions Ended, CleanupStats LastCleanup)
{
    public static ContainerStats From(SessionStats stats) => new(
        stats.Count,
        stats.Created,
        new EndedSessions(stats.Expired, stats.Deleted, stats.Evicted, stats.Renewed),
        new CleanupStats(stats.LastCleanupDuration.TotalMilliseconds, stats.LastCleanupRemoved));
}
