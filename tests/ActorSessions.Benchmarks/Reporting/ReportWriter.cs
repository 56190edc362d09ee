using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorSessions.Benchmarks.Reporting;

/// <summary>Writes a run as a markdown table (for docs/PERFORMANCE.md) and as JSON with the same figures.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string ToJson(Report report) => JsonSerializer.Serialize(report, Json);

    public static string ToMarkdown(Report report)
    {
        var e = report.Environment;
        var sb = new StringBuilder();
        sb.AppendLine(Invariant($"Run: {e.Mode} mode, {e.StartedAt:yyyy-MM-dd HH:mm} UTC, {e.ProcessorCount} cores, {e.Runtime}, {e.Os}, server GC {(e.ServerGc ? "on" : "off")}; load average before {e.LoadAverageBefore}, after {e.LoadAverageAfter}."));
        sb.AppendLine();
        sb.AppendLine("Throughput ratios: above 1 is better. Latency and memory ratios: below 1 is better. Ratios compare with the seed and ASP.NET Core rows of the same workload and group (concurrent: 64 callers, the seed with 2 threads; single: one caller). Each row is the median of its rounds; spread is half the range of the rounds' throughput, relative to that median. CPU ns/op (all threads) and GC pause (share of the time) are the whole process's during the median round, B/op (allocated) the median of the rounds' figures (– where none could be read), the harness's own loop and latency recording included.");
        foreach (var workload in report.Load.Select(f => f.Workload).Distinct())
        {
            sb.AppendLine();
            sb.AppendLine(Invariant($"### {workload}"));
            sb.AppendLine();
            sb.AppendLine("| design | callers | ops/s | spread | × seed | × ASP.NET | CPU ns/op | GC pause | B/op | p50 µs | p99 µs | p99.9 µs | p50 ÷ seed | p50 ÷ ASP.NET | p99 ÷ seed | p99 ÷ ASP.NET |");
            sb.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
            foreach (var f in report.Load.Where(f => f.Workload == workload))
            {
                sb.AppendLine(Invariant(
                    $"| {f.Design} | {f.Callers} | {f.OpsPerSecond:N0} | {Spread(f)} | {R(f.OpsVsSeed)} | {R(f.OpsVsAspNet)} | {f.CpuNanosPerOp:N0} | {f.GcPauseShare:P0} | {Bytes(f.AllocatedBytesPerOp)} | {f.P50Micros:N1} | {f.P99Micros:N1} | {f.P999Micros:N1} | {R(f.P50VsSeed)} | {R(f.P50VsAspNet)} | {R(f.P99VsSeed)} | {R(f.P99VsAspNet)} |"));
            }
        }

        sb.AppendLine();
        sb.AppendLine("### cleanup stall");
        sb.AppendLine();
        sb.AppendLine("| design | sessions | expired | rounds | request behind cleanup, median ms | max ms | ÷ seed | same request, no cleanup, ms | cleanup work, ms |");
        sb.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var c in report.Cleanup)
        {
            sb.AppendLine(Invariant(
                $"| {c.Design} | {c.Sessions:N0} | {c.Expired:N0} | {c.Rounds} | {c.StallMedianMillis:N2} | {c.StallMaxMillis:N2} | {R(c.StallVsSeed)} | {c.IdleRequestMillis:N3} | {c.CleanupMillis:N1} |"));
        }

        sb.AppendLine();
        sb.AppendLine("### memory per session");
        sb.AppendLine();
        sb.AppendLine("| design | content | sessions | bytes/session | ÷ seed | ÷ ASP.NET |");
        sb.AppendLine("|---|---|--:|--:|--:|--:|");
        foreach (var m in report.Memory)
        {
            sb.AppendLine(Invariant($"| {m.Design} | {m.Content} | {m.Sessions:N0} | {m.BytesPerSession:N0} | {R(m.VsSeed)} | {R(m.VsAspNet)} |"));
        }

        sb.AppendLine();
        sb.AppendLine("### goals");
        sb.AppendLine();
        sb.AppendLine("| goal | measured | met |");
        sb.AppendLine("|---|--:|---|");
        foreach (var g in report.Goals)
        {
            sb.AppendLine(Invariant($"| {g.Goal} | {g.Measured} | {(g.Met ? "yes" : "**no**")} |"));
        }

        return sb.ToString();
    }

    /// <summary>How far the rounds lay apart, as a share of the median: the noise behind the figure.</summary>
    private static string Spread(LoadFigure f) =>
        f.Rounds.Length < 2 ? "–" : Invariant($"±{(f.Rounds.Max() - f.Rounds.Min()) / 2 / f.OpsPerSecond:P0}");

    private static string Bytes(double? perOp) => perOp is { } b ? Invariant($"{b:N0}") : "–";

    private static string R(double? ratio) => ratio is { } r && double.IsFinite(r) ? Invariant($"{r:F2}") : "–";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
