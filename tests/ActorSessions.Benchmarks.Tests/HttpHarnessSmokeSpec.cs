using System.Text.Json;
using ActorSessions.Benchmarks.Http;

namespace ActorSessions.Benchmarks.Tests;

/// <summary>
/// Runs the HTTP harness in its quick mode (a fraction of a second per cell, eight users) to prove it works
/// end to end: every backend's server starts, answers every workload, and has its lost updates counted.
/// The backends that need nothing but the SDK always run; Redis and PostgreSQL when their servers are there
/// (scripts/ensure-redis.sh, scripts/ensure-postgres.sh). No timing is asserted.
/// </summary>
[Collection(HarnessRuns.Name)]
public sealed class HttpHarnessSmokeSpec : IDisposable
{
    private static readonly string[] Workloads = ["read-modify-write", "read-only", "two-tabs", "login"];

    private readonly string _output = Path.Combine(Path.GetTempPath(), "actorsessions-http-bench-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_quick_run_measures_every_backend_and_workload_and_counts_lost_updates()
    {
        var log = new StringWriter();

        // Off xunit's synchronization context: the virtual users' loops run on the thread pool. The
        // PostgreSQL server is needed up throughout: the fault specs of the other test assemblies stop it.
        using var postgresInUse = await SharedUseOfPostgresAsync(TimeSpan.FromMinutes(5));
        var exit = await Task.Run(() => HttpHarness.RunAsync(["--quick", "--out", _output], log));

        Assert.True(exit == 0, log.ToString());
        var markdown = await File.ReadAllTextAsync(Path.Combine(_output, HttpHarness.MarkdownFile));
        Assert.All(Workloads, w => Assert.Contains("### " + w, markdown));

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output, HttpHarness.JsonFile)));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        var expected = new List<string> { "none", "aspnet-memory", "actorsessions-memory", "actorsessions-sqlite" };
        expected.AddRange(Environment.GetEnvironmentVariable("ACTORSESSIONS_TEST_REDIS") is null ? [] : new[] { "aspnet-redis", "aspnet-redis-fsync" });
        expected.AddRange(Environment.GetEnvironmentVariable("ACTORSESSIONS_TEST_POSTGRES") is null ? [] : new[] { "actorsessions-postgresql" });
        foreach (var backend in expected)
        {
            foreach (var workload in Workloads)
            {
                var row = Assert.Single(rows, r => r.GetProperty("backend").GetString() == backend && r.GetProperty("workload").GetString() == workload);
                Assert.True(row.GetProperty("requestsPerSecond").GetDouble() > 0, row.ToString());
                Assert.True(row.GetProperty("appCpuMicrosPerRequest").ValueKind == JsonValueKind.Number, row.ToString());
                var lost = row.GetProperty("lostUpdates");
                if (backend == "none")
                {
                    Assert.Equal(JsonValueKind.Null, lost.ValueKind);
                }
                else
                {
                    // Counted for every session backend; ActorSessions commits each request's changed keys
                    // only, so no acknowledged write is ever missing, not even between two tabs.
                    Assert.True(lost.ValueKind == JsonValueKind.Number, row.ToString());
                    Assert.True(row.GetProperty("acknowledgedWrites").GetInt64() > 0, row.ToString());
                    if (backend.StartsWith("actorsessions", StringComparison.Ordinal))
                    {
                        Assert.True(lost.GetInt64() == 0, row.ToString());
                    }
                }
            }

            if (backend.StartsWith("actorsessions", StringComparison.Ordinal))
            {
                var login = rows.Single(r => r.GetProperty("backend").GetString() == backend && r.GetProperty("workload").GetString() == "login");
                Assert.True(login.GetProperty("cookieShare").GetDouble() > 0, "every ActorSessions login renews the id and sets a new cookie: " + login);
            }
        }

        Assert.All(rows, r => Assert.Contains(r.GetProperty("backend").GetString(), expected));
        Assert.Equal(expected.Count * Workloads.Length, json.RootElement.GetProperty("samples").GetArrayLength());
    }

    /// <summary>
    /// A shared <c>flock</c> on the lock file beside the throwaway server's control script, which the specs that
    /// stop the server take exclusively (as ActorSessions.AspNetCore.Tests' <c>TestPostgres.SharedUseAsync</c>
    /// does); nothing to take when no server was started.
    /// </summary>
    private static async Task<IDisposable?> SharedUseOfPostgresAsync(TimeSpan wait)
    {
        if (Environment.GetEnvironmentVariable("ACTORSESSIONS_TEST_PG_CONTROL") is not { Length: > 0 } control)
        {
            return null;
        }

        var path = Path.Combine(Path.GetDirectoryName(control)!, "tests.lock");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
            }
            catch (IOException) when (waited.Elapsed < wait)
            {
                await Task.Delay(100);
            }
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }
}
