namespace ActorSessions.Benchmarks;

/// <summary>How long and how large a run is.</summary>
internal sealed record HarnessOptions
{
    public required string Mode { get; init; }

    public required TimeSpan Warmup { get; init; }

    public required TimeSpan Duration { get; init; }

    public required TimeSpan BurstDuration { get; init; }

    /// <summary>Sessions every design holds before the open and web-request workloads.</summary>
    public required int Population { get; init; }

    public required int Callers { get; init; }

    /// <summary>The sessions the hot-set workload opens, out of <see cref="Population"/>.</summary>
    public int HotSet { get; init; } = 1_000;

    /// <summary>How often each workload's rows run, round-robin; each row reports its median round.</summary>
    public required int Rounds { get; init; }

    public required int MemorySessions { get; init; }

    public required int CleanupSessions { get; init; }

    public required int CleanupExpired { get; init; }

    public required int CleanupRounds { get; init; }

    public string OutputDirectory { get; init; } = "BenchmarkResults";

    /// <summary>
    /// When set, only measurements whose "workload design callers" label contains this text run, e.g.
    /// <c>--only "open-existing ActorSessions, SessionClient 64"</c> to profile one row; memory and
    /// cleanup run only when it names them. Alternatives are separated by <c>|</c>, e.g.
    /// <c>--only "open-existing seed|open-existing ActorSessions, SessionClient 64"</c>.
    /// </summary>
    public string? Only { get; init; }

    public bool Runs(string label) =>
        Only is null || Only.Split('|').Any(part => label.Contains(part, StringComparison.OrdinalIgnoreCase));

    /// <summary>The figures: 64 callers, a million sessions, a hundred thousand expired.</summary>
    public static HarnessOptions Full { get; } = new()
    {
        Mode = "full",
        Warmup = TimeSpan.FromMilliseconds(500),
        Duration = TimeSpan.FromSeconds(2),
        Rounds = 3,
        BurstDuration = TimeSpan.FromSeconds(1),
        Population = 100_000,
        Callers = 64,
        MemorySessions = 1_000_000,
        CleanupSessions = 1_000_000,
        CleanupExpired = 100_000,
        CleanupRounds = 5,
    };

    /// <summary>Every measurement, scaled down to run in seconds: proves the harness works, not the figures.</summary>
    public static HarnessOptions Quick { get; } = new()
    {
        Mode = "quick",
        Warmup = TimeSpan.FromMilliseconds(100),
        Duration = TimeSpan.FromMilliseconds(200),
        Rounds = 1,
        BurstDuration = TimeSpan.FromMilliseconds(100),
        Population = 2_000,
        Callers = 64,
        MemorySessions = 20_000,
        CleanupSessions = 20_000,
        CleanupExpired = 2_000,
        CleanupRounds = 2,
    };
}
