using System.Globalization;
using ActorSessions.Benchmarks.Http.App;
using ActorSessions.Benchmarks.Http.Load;
using ActorSessions.Benchmarks.Http.Measurement;
using ActorSessions.Benchmarks.Http.Reporting;
using Npgsql;

namespace ActorSessions.Benchmarks.Http;

/// <summary>
/// The harness: in each round, every backend in turn (the first one rotating from round to round) gets a
/// fresh server process with a fresh store, and every workload and number of users is measured against it;
/// then the server is stopped by its pid. Callable in-process by the smoke spec.
/// </summary>
internal static class HttpHarness
{
    public const string MarkdownFile = "http-report.md";
    public const string JsonFile = "http-report.json";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter log, CancellationToken cancellationToken = default)
    {
        HttpHarnessOptions options;
        try
        {
            options = HttpHarnessOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            log.WriteLine(e.Message);
            return 2;
        }

        var backends = options.SelectedBackends();
        var samples = new List<CellSample>();
        var started = DateTimeOffset.UtcNow;
        var loadAverage = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
        for (var round = 1; round <= options.Rounds; round++)
        {
            // Interleaved: a slow minute of the shared machine falls on every backend alike.
            var order = backends.Skip((round - 1) % backends.Count).Concat(backends.Take((round - 1) % backends.Count));
            foreach (var backend in order)
            {
                samples.AddRange(await RunBackendAsync(options, backend, round, log, cancellationToken));
            }
        }

        var report = HttpReport.Build(options, samples, started, DateTimeOffset.UtcNow, loadAverage);
        Directory.CreateDirectory(options.OutputDirectory);
        var markdown = HttpReportWriter.ToMarkdown(report);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, MarkdownFile), markdown, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, JsonFile), HttpReportWriter.ToJson(report), cancellationToken);
        log.WriteLine();
        log.WriteLine(markdown);
        log.WriteLine($"Written to {Path.GetFullPath(options.OutputDirectory)}/{MarkdownFile} and {JsonFile}.");
        return 0;
    }

    private static async Task<List<CellSample>> RunBackendAsync(HttpHarnessOptions options, Backend backend, int round, TextWriter log, CancellationToken cancellationToken)
    {
        var store = FreshStore(options, backend);
        var samples = new List<CellSample>();
        try
        {
            using var server = await ServerProcess.StartAsync(store.ServeArgs, cancellationToken);
            if (options.ServerWarmup > TimeSpan.Zero)
            {
                foreach (var workload in options.Workloads)
                {
                    _ = await CellRunner.RunAsync(server, store.Pid, backend, workload, options.Users.Max(), round, options.ServerWarmup, TimeSpan.FromMilliseconds(100), cancellationToken);
                }
            }

            foreach (var workload in options.Workloads)
            {
                foreach (var users in options.Users)
                {
                    var sample = await CellRunner.RunAsync(server, store.Pid, backend, workload, users, round, options.Warmup, options.Duration, cancellationToken);
                    samples.Add(sample);
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round} {backend.Key(),-25} {workload.Key(),-18} {users,4} users: {sample.RequestsPerSecond,9:N0} req/s, p99 {sample.P99Ms,7:N2} ms, app {sample.AppCpuMicrosPerRequest,6:N1} µs/req, errors {sample.Errors}, lost {sample.LostUpdates?.ToString(CultureInfo.InvariantCulture) ?? "-"}{(sample.WritesPerCommit is { } w ? $", {w:N1} writes a commit" : "")}"));
                    if (sample.Errors > 0 && server.ErrorTail is { Length: > 0 } why)
                    {
                        // Why requests failed: the server's last warnings and errors, as it logged them.
                        log.WriteLine("  the server's last warnings and errors:" + Environment.NewLine + "    " + why.ReplaceLineEndings(Environment.NewLine + "    "));
                    }
                }
            }
        }
        finally
        {
            await store.DisposeAsync();
        }

        return samples;
    }

    /// <summary>What the server needs to start on a store of its own, and how to remove that store afterwards.</summary>
    private static FreshBackendStore FreshStore(HttpHarnessOptions options, Backend backend)
    {
        string[] args = ["--backend", backend.Key()];
        switch (backend)
        {
            case Backend.AspNetRedis:
                return new([.. args, "--redis", options.Redis ?? throw Missing(backend, "--redis or ACTORSESSIONS_TEST_REDIS (scripts/ensure-redis.sh)")], options.RedisPid, null);
            case Backend.AspNetRedisFsync:
                return new([.. args, "--redis", options.RedisFsync ?? throw Missing(backend, "--redis-fsync or ACTORSESSIONS_TEST_REDIS_FSYNC (scripts/ensure-redis.sh)")], options.RedisFsyncPid, null);
            case Backend.ActorSessionsSqlite:
                var directory = Path.GetFullPath(Path.Combine(options.SqliteDirectory, Guid.NewGuid().ToString("N")));
                Directory.CreateDirectory(directory);
                return new([.. args, "--sqlite", Path.Combine(directory, "sessions.db")], null, () =>
                {
                    Directory.Delete(directory, recursive: true);
                    return Task.CompletedTask;
                });
            case Backend.ActorSessionsPostgreSql:
                var connectionString = options.PostgreSql ?? throw Missing(backend, "--postgres or ACTORSESSIONS_TEST_POSTGRES (scripts/ensure-postgres.sh)");
                var schema = "http_bench_" + Guid.NewGuid().ToString("N")[..12];
                return new([.. args, "--postgres", connectionString, "--postgres-schema", schema], options.PostgreSqlPid, async () =>
                {
                    await using var connection = new NpgsqlConnection(connectionString);
                    await connection.OpenAsync();
                    await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
                    await drop.ExecuteNonQueryAsync();
                });
            default:
                return new(args, null, null);
        }
    }

    private static ArgumentException Missing(Backend backend, string what) => new($"The backend {backend.Key()} needs {what}.");

    private sealed record FreshBackendStore(string[] ServeArgs, int? Pid, Func<Task>? Remove) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (Remove is not null)
            {
                await Remove();
            }
        }
    }
}
