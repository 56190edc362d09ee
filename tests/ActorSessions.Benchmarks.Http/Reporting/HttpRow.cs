using ActorSessions.Benchmarks.Http.App;
using ActorSessions.Benchmarks.Http.Load;

namespace ActorSessions.Benchmarks.Http.Reporting;

/// <summary>
/// One backend, workload and number of users over all rounds: the median round's figures, with the ratios
/// to the no-session floor, to ASP.NET Core's in-memory session and to ASP.NET Core over Redis with
/// <c>appendfsync always</c> (null where that baseline was not measured).
/// </summary>
internal sealed record HttpRow
{
    public required Workload Workload { get; init; }

    public required int Users { get; init; }

    public required Backend Backend { get; init; }

    public required int Rounds { get; init; }

    public required double RequestsPerSecond { get; init; }

    public required double RequestsPerSecondMin { get; init; }

    public required double RequestsPerSecondMax { get; init; }

    public required double P50Ms { get; init; }

    public required double P99Ms { get; init; }

    public required double? AppCpuMicrosPerRequest { get; init; }

    /// <summary>The app's plus its store server's CPU per request; the app's alone where the store is in the app (SQLite, memory).</summary>
    public required double? TotalCpuMicrosPerRequest { get; init; }

    public required double LoadGeneratorShare { get; init; }

    public required double? MachineShare { get; init; }

    /// <summary>Failed requests (non-2xx or no answer) in the measured windows of all rounds.</summary>
    public required long Errors { get; init; }

    /// <summary>Acknowledged writes missing at the end, all rounds together; null without sessions.</summary>
    public required long? LostUpdates { get; init; }

    public required long AcknowledgedWrites { get; init; }

    /// <summary>ActorSessions' writes per store commit (the median round's); null without a store.</summary>
    public double? WritesPerCommit { get; init; }

    /// <summary>The share of measured responses that set the session cookie (the login workload's renewals).</summary>
    public required double CookieShare { get; init; }

    public double? RequestsVsFloor { get; init; }

    public double? RequestsVsAspNetMemory { get; init; }

    public double? RequestsVsRedisFsync { get; init; }

    public double? AppCpuVsFloor { get; init; }

    public double? AppCpuVsAspNetMemory { get; init; }

    /// <summary>The session's own cost: app CPU per request above the floor's, over ASP.NET Core in memory's above the floor's.</summary>
    public double? SessionOverheadVsAspNetMemory { get; init; }

    public double? TotalCpuVsRedisFsync { get; init; }
}
