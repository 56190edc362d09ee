using System.Globalization;
using ActorSessions.Benchmarks.Http.App;
using ActorSessions.Benchmarks.Http.Load;

namespace ActorSessions.Benchmarks.Http;

/// <summary>The harness's command line; the stores' addresses default to what scripts/ensure-redis.sh and ensure-postgres.sh export.</summary>
internal sealed record HttpHarnessOptions
{
    public required string Mode { get; init; }

    public required TimeSpan Warmup { get; init; }

    public required TimeSpan Duration { get; init; }

    public required int Rounds { get; init; }

    /// <summary>
    /// Load of every workload on a fresh server before its first measured cell, not reported: the tiered
    /// JIT (with PGO) needs many seconds of load to settle. Without it the first cells of each server
    /// measured its compiler (ActorSessions' read-modify-write, the first cell, at 3× the CPU per request
    /// of the same write in the two-tabs cell); after 1.5 s of each workload the JIT still took 10–14 % of
    /// the app's CPU on a loaded two-core machine, and 0.5 % after 30 s.
    /// </summary>
    public required TimeSpan ServerWarmup { get; init; }

    public required IReadOnlyList<int> Users { get; init; }

    public IReadOnlyList<Workload> Workloads { get; init; } = Load.Workloads.All;

    /// <summary>The backends named with <c>--backends</c>; when none are, every backend whose store is there.</summary>
    public IReadOnlyList<Backend>? Backends { get; init; }

    public string OutputDirectory { get; init; } = "BenchmarkResults/http";

    public string? Redis { get; init; } = Environment.GetEnvironmentVariable("ACTORSESSIONS_TEST_REDIS");

    public int? RedisPid { get; init; } = Pid(Environment.GetEnvironmentVariable("ACTORSESSIONS_TEST_REDIS_PID"));

    public string? RedisFsync { get; init; } = Environment.GetEnvironmentVariable("ACTORSESSIONS_TEST_REDIS_FSYNC");

    public int? RedisFsyncPid { get; init; } = Pid(Environment.GetEnvironmentVariable("ACTORSESSIONS_TEST_REDIS_FSYNC_PID"));

    public string? PostgreSql { get; init; } = Environment.GetEnvironmentVariable("ACTORSESSIONS_TEST_POSTGRES");

    /// <summary>The postmaster's pid, from the first line of <c>postmaster.pid</c> in the data directory ensure-postgres.sh exports.</summary>
    public int? PostgreSqlPid { get; init; } = PostmasterPid(Environment.GetEnvironmentVariable("ACTORSESSIONS_TEST_PGDATA"));

    /// <summary>Where SQLite's files go: a real disk (a RAM disk would make its syncs free), deleted after each server.</summary>
    public string SqliteDirectory { get; init; } = Path.Combine("data", "http-bench");

    public static HttpHarnessOptions Full { get; } = new()
    {
        Mode = "full",
        Warmup = TimeSpan.FromSeconds(1),
        ServerWarmup = TimeSpan.FromSeconds(6),
        Duration = TimeSpan.FromSeconds(3),
        Rounds = 3,
        Users = [64, 256],
    };

    /// <summary>A fraction of a second per cell and a few users: proves the harness works, not the figures.</summary>
    public static HttpHarnessOptions Quick { get; } = new()
    {
        Mode = "quick",
        Warmup = TimeSpan.FromMilliseconds(150),

        // Every workload once on each fresh server before its cells, as the full run does: a cell's first
        // requests through code not run yet (a login's renewal over PostgreSQL, say), on a machine busy with
        // the other test assemblies, could otherwise outlast its window and leave it with no request at all.
        ServerWarmup = TimeSpan.FromMilliseconds(250),
        Duration = TimeSpan.FromMilliseconds(250),
        Rounds = 1,
        Users = [8],
        SqliteDirectory = Path.Combine(Path.GetTempPath(), "actorsessions-http-bench"),
    };

    /// <summary>The backends this run measures, in the order of the first round: those named, or all that can run here.</summary>
    public IReadOnlyList<Backend> SelectedBackends() => Backends ?? App.Backends.All.Where(b => b switch
    {
        Backend.AspNetRedis => Redis is not null,
        Backend.AspNetRedisFsync => RedisFsync is not null,
        Backend.ActorSessionsPostgreSql => PostgreSql is not null,
        _ => true,
    }).ToArray();

    public static HttpHarnessOptions Parse(IReadOnlyList<string> args)
    {
        var options = args.Contains("--quick") ? Quick : Full;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--quick")
            {
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{args[i]} needs a value.");
            }

            var value = args[++i];
            options = args[i - 1] switch
            {
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--server-warmup" => options with { ServerWarmup = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--rounds" => options with { Rounds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--users" => options with { Users = List(value, v => int.Parse(v, CultureInfo.InvariantCulture)) },
                "--workloads" => options with { Workloads = List(value, Load.Workloads.Parse) },
                "--backends" => options with { Backends = List(value, App.Backends.Parse) },
                "--out" => options with { OutputDirectory = value },
                "--redis" => options with { Redis = value },
                "--redis-pid" => options with { RedisPid = Pid(value) },
                "--redis-fsync" => options with { RedisFsync = value },
                "--redis-fsync-pid" => options with { RedisFsyncPid = Pid(value) },
                "--postgres" => options with { PostgreSql = value },
                "--postgres-pid" => options with { PostgreSqlPid = Pid(value) },
                "--sqlite-dir" => options with { SqliteDirectory = value },
                _ => throw new ArgumentException($"Unknown option {args[i - 1]}."),
            };
        }

        if (options.Rounds < 1 || options.Users.Any(u => u < 1) || options.Duration <= TimeSpan.Zero || options.Warmup < TimeSpan.Zero || options.ServerWarmup < TimeSpan.Zero)
        {
            throw new ArgumentException("--rounds and --users must be positive, --seconds positive, --warmup and --server-warmup not negative.");
        }

        return options;
    }

    private static T[] List<T>(string value, Func<string, T> parse) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToArray();

    private static int? Pid(string? value) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    private static int? PostmasterPid(string? dataDirectory)
    {
        var file = dataDirectory is null ? null : Path.Combine(dataDirectory, "postmaster.pid");
        return file is not null && File.Exists(file) ? Pid(File.ReadLines(file).FirstOrDefault()) : null;
    }
}
