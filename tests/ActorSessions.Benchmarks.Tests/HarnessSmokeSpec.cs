using System.Text.Json;

namespace ActorSessions.Benchmarks.Tests;

/// <summary>
/// Runs the benchmark harness in its seconds-long quick mode to prove it still works end to end. It
/// checks that every design and workload is measured and reported, never how fast anything was:
/// timing thresholds stay out of the test suite.
/// </summary>
[Collection(HarnessRuns.Name)]
public sealed class HarnessSmokeSpec : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "actorsessions-bench-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_quick_run_measures_every_design_and_writes_the_table_and_the_json()
    {
        var log = new StringWriter();

        // Off xunit's synchronization context: the harness schedules its callers on the thread pool.
        var exit = await Task.Run(() => HarnessEntry.RunAsync(["--quick", "--out", _output], log));

        Assert.True(exit == 0, log.ToString());
        var markdown = await File.ReadAllTextAsync(Path.Combine(_output, HarnessEntry.MarkdownFile));
        foreach (var heading in new[] { "### open-existing", "### open-existing-hot-set", "### web-request", "### new-sessions", "### cleanup stall", "### memory per session", "### goals" })
        {
            Assert.Contains(heading, markdown);
        }

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output, HarnessEntry.JsonFile)));
        var load = json.RootElement.GetProperty("load").EnumerateArray().ToArray();
        var designs = load.Select(f => f.GetProperty("design").GetString()).Distinct().ToArray();
        Assert.Contains("seed: global lock + Dictionary", designs);
        Assert.Contains("ASP.NET Core session (DistributedSession + MemoryDistributedCache)", designs);
        Assert.Contains("ActorSessions, plain Ask", designs);
        Assert.Contains("ActorSessions, SessionClient", designs);
        Assert.Contains("ActorSessions, actor-to-actor Tell", designs);
        Assert.All(load, f => Assert.True(f.GetProperty("operations").GetInt64() > 0, f.ToString()));
        Assert.All(load, f => Assert.True(f.TryGetProperty("opsVsSeed", out var r) && r.ValueKind == JsonValueKind.Number, f.ToString()));
        Assert.All(load, f => Assert.True(f.GetProperty("cpuNanosPerOp").GetDouble() > 0, f.ToString()));
        Assert.All(load, f => Assert.True(
            f.GetProperty("allocatedBytesPerOp") is var bytes && (bytes.ValueKind == JsonValueKind.Null || bytes.GetDouble() >= 0),
            f.ToString()));
        Assert.Equal(3, json.RootElement.GetProperty("cleanup").GetArrayLength());
        Assert.Equal(6, json.RootElement.GetProperty("memory").GetArrayLength());
        Assert.NotEmpty(json.RootElement.GetProperty("goals").EnumerateArray());
    }

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }
}
