using System.Globalization;

namespace ActorSessions.Benchmarks.Reporting;

/// <summary>The performance issue's goals, read off this run. Reported, never asserted by the test suite.</summary>
internal static class Goals
{
    private const string Client = "ActorSessions, SessionClient";

    public static List<GoalCheck> Check(IReadOnlyList<LoadFigure> load, IReadOnlyList<CleanupFigure> cleanup, IReadOnlyList<MemoryFigure> memory)
    {
        var goals = new List<GoalCheck>();
        var open = Find(load, "open-existing", "concurrent", Client);
        if (open?.OpsVsSeed is { } vsSeed)
        {
            goals.Add(new("OpenAsync, 64 callers: at least 1.5x the seed's throughput with 2 threads", $"{vsSeed:F2}x", vsSeed >= 1.5));
        }

        if (Find(load, "open-existing", "single", Client) is { } lone)
        {
            goals.Add(new("OpenAsync, 1 caller: median at most 5 us", $"{lone.P50Micros:F1} us", lone.P50Micros <= 5));
        }

        if (open is not null)
        {
            goals.Add(new("OpenAsync, 64 callers: p99 at most 2 ms", $"{open.P99Micros / 1000:F3} ms", open.P99Micros <= 2000));
        }

        if (Find(load, "web-request", "concurrent", Client)?.OpsVsAspNet is { } web)
        {
            goals.Add(new("Web request, 64 callers: at least 1.5x ASP.NET Core's session", $"{web:F2}x", web >= 1.5));
        }

        if (cleanup.FirstOrDefault(c => c.Design.Contains("chunked", StringComparison.Ordinal)) is { } chunked)
        {
            goals.Add(new(
                $"Cleanup stall at {chunked.Sessions:N0} sessions / {chunked.Expired:N0} expired, client in front: at most 5 ms",
                string.Create(CultureInfo.InvariantCulture, $"{chunked.StallMedianMillis:F2} ms median, {chunked.StallMaxMillis:F2} ms max"),
                chunked.StallMaxMillis <= 5));
        }

        if (memory.FirstOrDefault(m => m.Design == "ActorSessions" && m.Content == "empty") is { } empty)
        {
            goals.Add(new($"Memory at {empty.Sessions:N0} empty sessions: at most 160 bytes each", $"{empty.BytesPerSession:F0} B", empty.BytesPerSession <= 160));
        }

        return goals;
    }

    private static LoadFigure? Find(IReadOnlyList<LoadFigure> load, string workload, string group, string design) =>
        load.FirstOrDefault(f => f.Workload == workload && f.Group == group && f.Design == design);
}
