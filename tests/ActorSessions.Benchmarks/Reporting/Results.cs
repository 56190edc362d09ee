namespace ActorSessions.Benchmarks.Reporting;

/// <summary>One throughput-and-latency row.</summary>
/// <param name="Workload">open-existing, web-request or new-sessions.</param>
/// <param name="Group">concurrent (64 callers; the seed with 2 threads) or single (one caller); ratios compare within a group.</param>
internal sealed record LoadFigure(
    string Workload,
    string Group,
    string Design,
    string Callers,
    bool IsSeed,
    bool IsAspNet,
    long Operations,
    double Seconds,
    double OpsPerSecond,
    double P50Micros,
    double P90Micros,
    double P99Micros,
    double P999Micros,
    double MaxMicros)
{
    /// <summary>Process CPU time per operation in the median round, all threads (the harness's included).</summary>
    public double CpuNanosPerOp { get; init; }

    /// <summary>The share of the median round's time spent in GC pauses.</summary>
    public double GcPauseShare { get; init; }

    /// <summary>Bytes the process allocated per operation (the harness's included), the median of the rounds that have a figure.</summary>
    public double? AllocatedBytesPerOp { get; init; }

    /// <summary>Operations per second of every round; the figure is the median round.</summary>
    public double[] Rounds { get; init; } = [];

    public double? OpsVsSeed { get; set; }

    public double? OpsVsAspNet { get; set; }

    public double? P50VsSeed { get; set; }

    public double? P50VsAspNet { get; set; }

    public double? P99VsSeed { get; set; }

    public double? P99VsAspNet { get; set; }
}

/// <summary>The latency of a request sent right behind a cleanup of many expired sessions.</summary>
internal sealed record CleanupFigure(
    string Design,
    int Sessions,
    int Expired,
    int Rounds,
    double StallMedianMillis,
    double StallMaxMillis,
    double IdleRequestMillis,
    double CleanupMillis)
{
    public bool IsSeed { get; init; }

    public double? StallVsSeed { get; set; }
}

/// <summary>Managed heap bytes per session held.</summary>
internal sealed record MemoryFigure(string Design, string Content, int Sessions, double BytesPerSession)
{
    public bool IsSeed { get; init; }

    public bool IsAspNet { get; init; }

    public double? VsSeed { get; set; }

    public double? VsAspNet { get; set; }
}

/// <summary>A goal of the performance issue, checked against this run's figures.</summary>
internal sealed record GoalCheck(string Goal, string Measured, bool Met);

internal sealed record RunEnvironment(
    string Mode,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int ProcessorCount,
    string Runtime,
    string Os,
    bool ServerGc,
    string LoadAverageBefore,
    string LoadAverageAfter);

internal sealed record Report(
    RunEnvironment Environment,
    IReadOnlyList<LoadFigure> Load,
    IReadOnlyList<CleanupFigure> Cleanup,
    IReadOnlyList<MemoryFigure> Memory,
    IReadOnlyList<GoalCheck> Goals);
