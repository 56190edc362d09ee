namespace ActorSessions.Benchmarks.Reporting;

/// <summary>
/// Puts every figure beside the seed's and ASP.NET Core's from the same run. Throughput ratios are
/// "times as many operations per second" (above 1 is better); latency and memory ratios are "times as
/// long / as large" (below 1 is better).
/// </summary>
internal static class Ratios
{
    public static void Apply(List<LoadFigure> load, List<MemoryFigure> memory)
    {
        foreach (var figure in load)
        {
            var seed = load.FirstOrDefault(f => f.IsSeed && f.Workload == figure.Workload && f.Group == figure.Group);
            var aspNet = load.FirstOrDefault(f => f.IsAspNet && f.Workload == figure.Workload && f.Group == figure.Group);
            if (seed is not null)
            {
                figure.OpsVsSeed = figure.OpsPerSecond / seed.OpsPerSecond;
                figure.P50VsSeed = figure.P50Micros / seed.P50Micros;
                figure.P99VsSeed = figure.P99Micros / seed.P99Micros;
            }

            if (aspNet is not null)
            {
                figure.OpsVsAspNet = figure.OpsPerSecond / aspNet.OpsPerSecond;
                figure.P50VsAspNet = figure.P50Micros / aspNet.P50Micros;
                figure.P99VsAspNet = figure.P99Micros / aspNet.P99Micros;
            }
        }

        foreach (var figure in memory)
        {
            var seed = memory.FirstOrDefault(f => f.IsSeed && f.Content == figure.Content);
            var aspNet = memory.FirstOrDefault(f => f.IsAspNet && f.Content == figure.Content);
            figure.VsSeed = seed is null ? null : figure.BytesPerSession / seed.BytesPerSession;
            figure.VsAspNet = aspNet is null ? null : figure.BytesPerSession / aspNet.BytesPerSession;
        }
    }
}
