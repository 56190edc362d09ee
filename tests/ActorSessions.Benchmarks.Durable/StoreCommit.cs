using ActorSessions.Storage;
using System.Collections.Immutable;
using System.Diagnostics;
using ActorSessions.Benchmarks.Http.Measurement;
using ActorSessions.PostgreSql;
using ActorSessions.Sqlite;
using Npgsql;

namespace ActorSessions.Benchmarks.Durable;

/// <summary>
/// A store's commit alone, without the container: commits of ten one-key changes (what a group commit of
/// the HTTP harness's read-modify-write holds at 64 users) over 64 sessions, one after another from one
/// caller, fenced as the container commits. Reports the wall time and the process's CPU time per commit,
/// which is what a commit costs the machine beside the requests it serves, and for a PostgreSQL server on
/// this machine its CPU time per commit too (its processes', from /proc). Rounds alternate the stores.
/// </summary>
internal static class StoreCommit
{
    private const int Sessions = 64;
    private const int WritesPerCommit = 10;

    public static async Task Run(string folder, string? postgres, int commits, int rounds)
    {
        Console.WriteLine($"# A store's commit alone — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; {commits:N0} commits of {WritesPerCommit} one-key changes over {Sessions} sessions a run");
        Console.WriteLine();
        var stores = new List<(string Name, Func<ISessionStore> Open, Func<Task> Clean, int? Server)>();
        var path = Path.Combine(folder, "commit.db");
        Task DeleteFiles()
        {
            BenchDatabases.DeleteSqlite(path);
            return Task.CompletedTask;
        }

        stores.Add(("SQLite, synchronous = FULL", () => new SqliteSessionStore(new SqliteSessionStoreOptions { Path = path }), DeleteFiles, null));
        stores.Add(("SQLite, synchronous = NORMAL", () => new SqliteSessionStore(new SqliteSessionStoreOptions { Path = path, Synchronous = SqliteSynchronous.Normal }), DeleteFiles, null));
        if (!string.IsNullOrEmpty(postgres))
        {
            var schema = "bench_" + Guid.NewGuid().ToString("N")[..8];
            stores.Add(("PostgreSQL", () => new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = postgres, Schema = schema }), () => BenchDatabases.DropSchemas(postgres, schema), await PostmasterOf(postgres)));
        }

        var rows = stores.ToDictionary(s => s.Name, _ => new List<(double Wall, double Cpu, double? Server)>());
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (name, open, clean, server) in stores)
            {
                await clean();
                var sample = await Measure(open, commits, server);
                await clean();
                rows[name].Add(sample);
                Console.WriteLine($"round {round} {name}: {sample.Wall:F1} µs wall, {sample.Cpu:F1} µs CPU a commit" + (sample.Server is { } s ? $", the server's {s:F1} µs" : string.Empty));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| store | µs wall a commit (rounds) | µs CPU a commit (rounds) | µs CPU a write | the server's µs CPU a commit (rounds) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, samples) in rows)
        {
            var cpu = Median(samples.Select(s => s.Cpu));
            var servers = samples.Where(s => s.Server is not null).Select(s => s.Server!.Value).ToArray();
            var server = servers.Length > 0 ? $"{Median(servers):F0} ({string.Join(", ", servers.Select(s => s.ToString("F0")))})" : "–";
            Console.WriteLine($"| {name} | {Median(samples.Select(s => s.Wall)):F0} ({string.Join(", ", samples.Select(s => s.Wall.ToString("F0")))}) | {cpu:F0} ({string.Join(", ", samples.Select(s => s.Cpu.ToString("F0")))}) | {cpu / WritesPerCommit:F1} | {server} |");
        }
    }

    /// <summary>
    /// The PostgreSQL server's first process (its backends are its children), when it runs on this machine:
    /// the parent of the backend serving a connection; <see langword="null"/> for a remote server.
    /// </summary>
    private static async Task<int?> PostmasterOf(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;

        // A remote server's backend id may be the id of some unrelated process here.
        return ProcCpu.NameOf(backend) == "postgres" ? ProcCpu.ParentOf(backend) : null;
    }

    private static async Task<(double Wall, double Cpu, double? Server)> Measure(Func<ISessionStore> open, int commits, int? server)
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
            var serverCpu = server is { } pid ? ProcCpu.OfTree(pid) : null;
            var clock = Stopwatch.StartNew();
            await Commits(commits);
            var wall = clock.Elapsed;
            process.Refresh();
            var serverSpent = server is { } p && serverCpu is { } before && ProcCpu.OfTree(p) is { } after ? (after - before).TotalMicroseconds / commits : (double?)null;
            return (wall.TotalMicroseconds / commits, (process.TotalProcessorTime - cpu).TotalMicroseconds / commits, serverSpent);
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
