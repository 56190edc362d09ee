using ActorSessions.Benchmarks.Http.App;
using ActorSessions.Benchmarks.Http.Load;

namespace ActorSessions.Benchmarks.Http.Reporting;

/// <summary>A run: its settings, a row per backend, workload and users, and every sample the rows come from.</summary>
internal sealed record HttpReport(
    string Mode,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    int ProcessorCount,
    string? LoadAverageAtStart,
    double ServerWarmupSeconds,
    double WarmupSeconds,
    double Seconds,
    int Rounds,
    IReadOnlyList<HttpRow> Rows,
    IReadOnlyList<CellSample> Samples)
{
    public static HttpReport Build(HttpHarnessOptions options, IReadOnlyList<CellSample> samples, DateTimeOffset started, DateTimeOffset finished, string? loadAverage)
    {
        var medians = samples
            .GroupBy(s => (s.Workload, s.Users, s.Backend))
            .OrderBy(g => g.Key.Workload).ThenBy(g => g.Key.Users).ThenBy(g => g.Key.Backend)
            .Select(g => Median(g.ToArray()))
            .ToList();
        var rows = medians.Select(row =>
        {
            var same = medians.Where(r => r.Workload == row.Workload && r.Users == row.Users).ToArray();
            var floor = same.FirstOrDefault(r => r.Backend == Backend.None);
            var memory = same.FirstOrDefault(r => r.Backend == Backend.AspNetMemory);
            var fsync = same.FirstOrDefault(r => r.Backend == Backend.AspNetRedisFsync);
            return row with
            {
                RequestsVsFloor = Ratio(row.RequestsPerSecond, floor?.RequestsPerSecond),
                RequestsVsAspNetMemory = Ratio(row.RequestsPerSecond, memory?.RequestsPerSecond),
                RequestsVsRedisFsync = Ratio(row.RequestsPerSecond, fsync?.RequestsPerSecond),
                AppCpuVsFloor = Ratio(row.AppCpuMicrosPerRequest, floor?.AppCpuMicrosPerRequest),
                AppCpuVsAspNetMemory = Ratio(row.AppCpuMicrosPerRequest, memory?.AppCpuMicrosPerRequest),
                SessionOverheadVsAspNetMemory = row.Backend == Backend.None ? null : Ratio(
                    row.AppCpuMicrosPerRequest - floor?.AppCpuMicrosPerRequest,
                    memory?.AppCpuMicrosPerRequest - floor?.AppCpuMicrosPerRequest),
                TotalCpuVsRedisFsync = Ratio(row.TotalCpuMicrosPerRequest, fsync?.TotalCpuMicrosPerRequest),
            };
        }).ToArray();
        return new HttpReport(
            options.Mode, started, finished, Environment.ProcessorCount, loadAverage,
            options.ServerWarmup.TotalSeconds, options.Warmup.TotalSeconds, options.Duration.TotalSeconds, options.Rounds, rows, samples);
    }

    private static double? Ratio(double? value, double? baseline) =>
        value is { } v && baseline is { } b && b > 0 && !double.IsNaN(v) ? v / b : null;

    /// <summary>Each figure is the median of the rounds' own (the rounds of one row need not agree on which is the median).</summary>
    private static HttpRow Median(CellSample[] rounds)
    {
        var first = rounds[0];
        var totals = rounds.Select(s => s.AppCpuMicrosPerRequest + (s.StoreCpuMicrosPerRequest ?? 0)).ToArray();
        return new HttpRow
        {
            Workload = first.Workload,
            Users = first.Users,
            Backend = first.Backend,
            Rounds = rounds.Length,
            RequestsPerSecond = Median(rounds.Select(s => (double?)s.RequestsPerSecond)) ?? 0,
            RequestsPerSecondMin = rounds.Min(s => s.RequestsPerSecond),
            RequestsPerSecondMax = rounds.Max(s => s.RequestsPerSecond),
            P50Ms = Median(rounds.Select(s => (double?)s.P50Ms)) ?? double.NaN,
            P99Ms = Median(rounds.Select(s => (double?)s.P99Ms)) ?? double.NaN,
            AppCpuMicrosPerRequest = Median(rounds.Select(s => s.AppCpuMicrosPerRequest)),
            TotalCpuMicrosPerRequest = Median(totals),
            LoadGeneratorShare = Median(rounds.Select(s => (double?)s.LoadGeneratorShare)) ?? 0,
            MachineShare = Median(rounds.Select(s => s.MachineShare)),
            Errors = rounds.Sum(s => s.Errors),
            LostUpdates = rounds.All(s => s.LostUpdates is not null) ? rounds.Sum(s => s.LostUpdates!.Value) : null,
            AcknowledgedWrites = rounds.Sum(s => s.AcknowledgedWrites),
            WritesPerCommit = Median(rounds.Select(s => s.WritesPerCommit)),
            CookieShare = rounds.Sum(s => s.Requests) is var n and > 0 ? rounds.Sum(s => s.CookiesSet) / (double)n : 0,
        };
    }

    private static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.Where(v => v is { } x && !double.IsNaN(x)).Select(v => v!.Value).Order().ToArray();
        return sorted.Length == 0 ? null
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
