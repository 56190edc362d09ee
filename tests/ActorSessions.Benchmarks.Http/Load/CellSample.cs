using ActorSessions.Benchmarks.Http.App;

namespace ActorSessions.Benchmarks.Http.Load;

/// <summary>One measured window of one backend, workload and number of users, in one round.</summary>
internal sealed record CellSample
{
    public required Backend Backend { get; init; }

    public required Workload Workload { get; init; }

    public required int Users { get; init; }

    public required int Round { get; init; }

    public required double Seconds { get; init; }

    public required long Requests { get; init; }

    public required long Errors { get; init; }

    public double RequestsPerSecond => Requests / Seconds;

    public required double P50Ms { get; init; }

    public required double P99Ms { get; init; }

    /// <summary>The app process's CPU time per measured request, microseconds.</summary>
    public required double? AppCpuMicrosPerRequest { get; init; }

    /// <summary>The store server's CPU time per measured request (Redis, PostgreSQL); null for backends without one.</summary>
    public required double? StoreCpuMicrosPerRequest { get; init; }

    /// <summary>The load generator's CPU time over the window, as a share of all the machine's cores.</summary>
    public required double LoadGeneratorShare { get; init; }

    /// <summary>The whole machine's busy time over the window, as a share of all its cores (other work on it included).</summary>
    public required double? MachineShare { get; init; }

    /// <summary>Writes acknowledged with a 2xx, warm-up and set-up included, that the values read at the end do not hold; null without sessions.</summary>
    public required long? LostUpdates { get; init; }

    /// <summary>Acknowledged writes in all (warm-up and set-up included): what <see cref="LostUpdates"/> is out of.</summary>
    public required long AcknowledgedWrites { get; init; }

    /// <summary>ActorSessions' writes per store commit over the window (group commit); null without a store or without commits.</summary>
    public double? WritesPerCommit { get; init; }

    /// <summary>Measured responses that set the session cookie: in the login workload, the logins that renewed the id.</summary>
    public required long CookiesSet { get; init; }
}
