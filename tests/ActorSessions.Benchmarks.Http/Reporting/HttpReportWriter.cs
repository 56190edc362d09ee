using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ActorSessions.Benchmarks.Http.App;
using ActorSessions.Benchmarks.Http.Load;

namespace ActorSessions.Benchmarks.Http.Reporting;

/// <summary>The report as a markdown table per workload, and as JSON with every sample.</summary>
internal static class HttpReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new KeyJsonConverter<Backend>(Backends.Key, Backends.Parse), new KeyJsonConverter<Workload>(Workloads.Key, Workloads.Parse) },
    };

    public static string ToJson(HttpReport report) => JsonSerializer.Serialize(report, Json);

    public static string ToMarkdown(HttpReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"## HTTP: ActorSessions against ASP.NET Core's session ({report.Mode} run)"));
        md.AppendLine();
        md.AppendLine(Invariant($"{report.Started:yyyy-MM-dd HH:mm}–{report.Finished:HH:mm} UTC, {report.ProcessorCount} cores, load average at start {report.LoadAverageAtStart ?? "?"}; {report.Rounds} interleaved rounds, a fresh server per backend and round warmed up with {report.ServerWarmupSeconds:0.##} s of each workload, each cell {report.WarmupSeconds:0.##} s warm-up and {report.Seconds:0.##} s measured; every figure is the median of the rounds (req/s with its range), errors and lost updates are summed over the rounds."));
        md.AppendLine();
        md.AppendLine("CPU µs/req: the app process's CPU time per request (`/proc/<pid>/stat`); app+store adds the Redis or PostgreSQL server's. Load gen: the load generator's share of the machine's cores. Overhead: the app's CPU per request above the floor's, over ASP.NET Core in memory's.");
        foreach (var workload in report.Rows.Select(r => r.Workload).Distinct())
        {
            md.AppendLine();
            md.AppendLine(Invariant($"### {workload.Key()}"));
            md.AppendLine();
            var login = workload == Workload.Login;
            md.AppendLine("| users | backend | req/s (range) | p50 ms | p99 ms | app CPU µs/req | app+store CPU µs/req | load gen | errors | lost updates" + (login ? " | ids renewed" : string.Empty)
                + " | req/s ÷ floor | req/s ÷ ASP.NET mem | req/s ÷ Redis fsync | app CPU ÷ ASP.NET mem | overhead ÷ ASP.NET mem | app+store CPU ÷ Redis fsync |");
            md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:" + (login ? "|---:" : string.Empty) + "|---:|---:|---:|---:|---:|---:|");
            foreach (var row in report.Rows.Where(r => r.Workload == workload))
            {
                var lost = row.LostUpdates is { } l ? Invariant($"{l:N0} of {row.AcknowledgedWrites:N0}") : "–";
                var renewed = login ? Invariant($" | {(row.Backend.HasSessions() ? Percent(row.CookieShare) : "–")}") : string.Empty;
                md.AppendLine(Invariant(
                    $"| {row.Users} | {row.Backend.Label()} | {row.RequestsPerSecond:N0} ({row.RequestsPerSecondMin:N0}–{row.RequestsPerSecondMax:N0}) | {row.P50Ms:0.00} | {row.P99Ms:0.00} | {Number(row.AppCpuMicrosPerRequest)} | {Number(row.TotalCpuMicrosPerRequest)} | {Percent(row.LoadGeneratorShare)} | {row.Errors:N0} | {lost}{renewed} | {Ratio(row.RequestsVsFloor)} | {Ratio(row.RequestsVsAspNetMemory)} | {Ratio(row.RequestsVsRedisFsync)} | {Ratio(row.AppCpuVsAspNetMemory)} | {Ratio(row.SessionOverheadVsAspNetMemory)} | {Ratio(row.TotalCpuVsRedisFsync)} |"));
            }
        }

        return md.ToString();
    }

    private static string Number(double? value) => value is { } v ? v.ToString("N1", CultureInfo.InvariantCulture) : "–";

    private static string Ratio(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";

    private static string Percent(double value) => value.ToString("0%", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
