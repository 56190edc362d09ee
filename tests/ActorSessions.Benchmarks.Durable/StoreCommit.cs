using ActorSessions.Storage;
using System.Collections.Immutable;
using System.Diagnostics;
using ActorSessions.PostgreSql;
using ActorSessions.Sqlite;

namespace ActorSessions.Benchmarks.Durable;

/// <summary>
/// A store's commit alone, without the container: commits of ten one-key changes (what a group commit of
/// the HTTP harness's read-modify-write holds at 64 users) over 64 sessions, one after another from one
/// caller, fenced as the container commits. Reports the wall time and the process's CPU time per commit,
/// which is what a commit costs the machine beside the requests it serves. Rounds alternate the stores.
/// </summary>
internal static class StoreCommit
{
    private const int Sessions = 64;
    private const int WritesPerCommit = 10;

    public static async Task Run(string folder, string? postgres, int commits, int rounds)
    {
        Console.WriteLine($"# A store's commit alone — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; {commits:N0} commits of {WritesPerCommit} one-key changes over {Sessions} sessions a run");
        Console.WriteLine();
        var stores = new List<(string Name, Func<ISessionStore> Open, Func<Task> Clean)>();
        var path = Path.Combine(folder, "commit.db");
        Task DeleteFiles()
        {
            BenchDatabases.DeleteSqlite(path);
            return Task.CompletedTask;
        }

        stores.Add(("SQLite, synchronous = FULL", () => new SqliteSessionStore(new SqliteSessionStoreOptions { Path = path }), DeleteFiles));
        stores.Add(("SQLite, synchronous = NORMAL", () => new SqliteSessionStore(new SqliteSessionStoreOptions { Path = path, Synchronous = SqliteSynchronous.Normal }), DeleteFiles));
        if (!string.IsNullOrEmpty(postgres))
        {
            var schema = "bench_" + Guid.NewGuid().ToString("N")[..8];
            stores.Add(("PostgreSQL", () => new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = postgres, Schema = schema }), () => BenchDatabases.DropSchemas(postgres, schema)));
        }

        var rows = stores.ToDictionary(s => s.Name, _ => new List<(double Wall, double Cpu)>());
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (name, open, clean) in stores)
            {
                await clean();
                var (wall, cpu) = await Measure(open, commits);
                await clean();
                rows[name].Add((wall, cpu));
                Console.WriteLine($"round {round} {name}: {wall:F1} µs wall, {cpu:F1} µs CPU a commit");
            }
        }

        Console.WriteLine();
        Console.WriteLine("| store | µs wall a commit (rounds) | µs CPU a commit (rounds) | µs CPU a write |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, samples) in rows)
        {
            var cpu = Median(samples.Select(s => s.Cpu));
            Console.WriteLine($"| {name} | {Median(samples.Select(s => s.Wall)):F0} ({string.Join(", ", samples.Select(s => s.Wall.ToString("F0")))}) | {cpu:F0} ({string.Join(", ", samples.Select(s => s.Cpu.ToString("F0")))}) | {cpu / WritesPerCommit:F1} |");
        }
    }

    private static async Task<(double Wall, double Cpu)> Measure(Func<ISessionStore> open, int commits)
    {
        var store = open();
        try
        {
            await store.InitializeAsync(CancellationToken.None);
            var fenced = (IFencedSessionStore)store;
            var epoch = await fenced.TakePartitionAsync(0, 1, CancellationToken.None);
            var generator = new SessionIdGenerator(32);
            var ids = Enumerable.Range(0, Sessions).Select(_ => generator.Next()).ToArray();
            var now = DateTimeOffset.UtcNow;
            var empty = SessionDataFormat.Encode(SessionData.Empty);
            await fenced.CommitAsync(0, epoch, ids.Select(id => SessionWrite.Upsert(new SessionRecord(id, empty, now, now, 1, now.AddMinutes(30)))).ToList(), CancellationToken.None);

            // A tenth of the commits warm the JIT up, unmeasured.
            var version = 2L;
            var counter = 0;
            async Task Commits(int count)
            {
                for (var c = 0; c < count; c++)
                {
                    var writes = new List<SessionWrite>(WritesPerCommit);
                    var first = (c * WritesPerCommit) % Sessions;
                    for (var k = 0; k < WritesPerCommit; k++)
                    {
                        var at = now.AddTicks(++counter);
                        var value = ImmutableArray.Create(BitConverter.GetBytes(counter));
                        writes.Add(SessionWrite.Change(ids[(first + k) % Sessions], now, at, version++, at.AddMinutes(30), new SessionItemChanges(SessionData.Empty.SetItem("counter", value), [])));
                    }

                    await fenced.CommitAsync(0, epoch, writes, CancellationToken.None);
                }
            }

            await Commits(Math.Max(1, commits / 10));
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await Commits(commits);
            var wall = clock.Elapsed;
            process.Refresh();
            return (wall.TotalMicroseconds / commits, (process.TotalProcessorTime - cpu).TotalMicroseconds / commits);
        }
        finally
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
            else
            {
                (store as IDisposable)?.Dispose();
            }
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
