// The durable figures: acknowledged saves per second with group commit against a commit per write (same
// store, same run, as a ratio), and the time a container takes to recover 1M sessions at start.
//
//   dotnet run -c Release --project tests/ActorSessions.Benchmarks.Durable -- [--seconds 5] [--callers 512]
//        [--sessions 1000000] [--postgres "<connection string>"] [--skip-restart]
//   ... -- --store-commit [--commits 20000] [--rounds 3]: a store's commit alone, ten one-key changes each, its wall
//        time and CPU time (StoreCommit.cs; PostgreSQL too with a connection string, with its server's CPU
//        when the server runs on this machine); nothing else runs.
//   ... -- --bytes-per-change [--changes 2000]: bytes written to the store per acknowledged one-key change
//        of a session of 50 keys × 4 KiB, and per touch (BytesPerChange.cs); nothing else runs.
//   ... -- --recovery-by-partition [--sizes 100000,1000000] [--partitions 1,4] [--rounds 2] [--reuse]: recovery of P
//        partitions over SQLite, reading the whole table against each partition's key range, side by side
//        (RecoveryByPartition.cs; --reuse keeps a database filled by an earlier run); nothing else runs.
//   ... -- --restart-serving [--sizes 1000000] [--partitions 1,2] [--rounds 3] [--reuse]: a restart over SQLite
//        with serve-while-recovering off against on, side by side: the first answer and the full recovery
//        (RestartServing.cs; the same databases as --recovery-by-partition); nothing else runs.
//
// SQLite runs on a file under data/bench (a real disk: /tmp may be a RAM disk, where a sync costs nothing).
// PostgreSQL runs when --postgres or ACTORSESSIONS_TEST_POSTGRES gives a connection string.
using ActorSessions.Durability;
using ActorSessions.Storage;
using System.Diagnostics;
using System.Globalization;
using ActorSessions;
using ActorSessions.Benchmarks.Durable;
using ActorSessions.PostgreSql;
using ActorSessions.Sqlite;
using Akka.Actor;

var seconds = Arg("--seconds", 5);
var callerCounts = (ArgString("--callers") ?? "1,16,512").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
var sessionsAtRestart = Arg("--sessions", 1_000_000);
var postgres = ArgString("--postgres") ?? Environment.GetEnvironmentVariable("ACTORSESSIONS_TEST_POSTGRES");
var skipRestart = args.Contains("--skip-restart");
var folder = Path.GetFullPath(Path.Combine("data", "bench"));
Directory.CreateDirectory(folder);

if (args.Contains("--recovery-by-partition"))
{
    var sizes = (ArgString("--sizes") ?? "100000,1000000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
    var counts = (ArgString("--partitions") ?? "1,4").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
    await RecoveryByPartition.Run(folder, sizes, counts, Arg("--rounds", 2), reuse: args.Contains("--reuse"));
    return 0;
}

if (args.Contains("--restart-serving"))
{
    var sizes = (ArgString("--sizes") ?? "1000000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
    var counts = (ArgString("--partitions") ?? "1,2").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
    await RestartServing.Run(folder, sizes, counts, Arg("--rounds", 3), reuse: args.Contains("--reuse"));
    return 0;
}

if (args.Contains("--store-commit"))
{
    await StoreCommit.Run(folder, postgres, Arg("--commits", 20_000), Arg("--rounds", 3));
    return 0;
}

if (args.Contains("--bytes-per-change"))
{
    await BytesPerChange.Run(folder, postgres, Arg("--changes", 2000));
    return 0;
}

Console.WriteLine($"# Durable figures — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {string.Join("/", callerCounts)} concurrent callers, {seconds} s per run");
Console.WriteLine();

var results = new List<string>();

// Warm-up (JIT, thread pool, file system), not reported: otherwise the first run pays for it.
await Saves("SQLite", "warm-up", 16, () => Sqlite("warm-up.db"), wrap: false, runSeconds: 2);
await Saves("SQLite", "warm-up", 16, () => Sqlite("warm-up.db"), wrap: true, runSeconds: 2);

foreach (var callers in callerCounts)
{
    // SQLite: synchronous = FULL (every commit synced to disk), WAL.
    var group = await Saves("SQLite", "group commit", callers, () => Sqlite("saves-group.db"), wrap: false);
    var single = await Saves("SQLite", "a commit per write", callers, () => Sqlite("saves-single.db"), wrap: true);
    results.Add(Row("SQLite (WAL, synchronous=FULL)", callers, group, single));

    if (!string.IsNullOrEmpty(postgres))
    {
        var schemaGroup = "bench_" + Guid.NewGuid().ToString("N")[..8];
        var schemaSingle = "bench_" + Guid.NewGuid().ToString("N")[..8];
        group = await Saves("PostgreSQL", "group commit", callers, () => Postgres(schemaGroup), wrap: false);
        single = await Saves("PostgreSQL", "a commit per write", callers, () => Postgres(schemaSingle), wrap: true);
        results.Add(Row("PostgreSQL 15 (local, synchronous_commit=on)", callers, group, single));
        await DropSchemas(schemaGroup, schemaSingle);
    }
}

Console.WriteLine();
Console.WriteLine("| store | concurrent callers | acknowledged saves/s, group commit | writes per commit | acknowledged saves/s, a commit per write | ratio |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var line in results)
{
    Console.WriteLine(line);
}

if (!skipRestart)
{
    Console.WriteLine();
    Console.WriteLine($"| store | sessions recovered | start to the first answer | start to fully recovered | rows/s | managed heap after |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    Console.WriteLine(await Restart("SQLite", fresh => Sqlite("restart.db", fresh), sessionsAtRestart));
    if (!string.IsNullOrEmpty(postgres))
    {
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..8];
        Console.WriteLine(await Restart("PostgreSQL", _ => Postgres(schema), sessionsAtRestart));
        await DropSchemas(schema);
    }
}

return 0;

SqliteSessionStore Sqlite(string file, bool fresh = true)
{
    var path = Path.Combine(folder, file);
    if (fresh)
    {
        BenchDatabases.DeleteSqlite(path);
    }

    return new SqliteSessionStore(new SqliteSessionStoreOptions { Path = path });
}

PostgreSqlSessionStore Postgres(string schema) =>
    new(new PostgreSqlSessionStoreOptions { ConnectionString = postgres!, Schema = schema });

Task DropSchemas(params string[] schemas) => BenchDatabases.DropSchemas(postgres!, schemas);

async Task<SaveResult> Saves(string storeName, string mode, int callers, Func<ISessionStore> open, bool wrap, int? runSeconds = null)
{
    var inner = open();
    ISessionStore store = wrap ? new OneCommitPerWriteStore(inner) : inner;
    using var system = ActorSystem.Create("bench", "akka.loglevel = WARNING");
    // A commit per write at 512 callers queues hundreds of commits: the last of them waited past the 2 s
    // default commit timeout on a loaded machine, failing the baseline, not measuring it.
    var storeSettings = wrap ? SessionStoreSettings.Default with { CommitTimeout = TimeSpan.FromSeconds(60) } : SessionStoreSettings.Default;
    var container = system.ActorOf(SessionContainer.Props(new SessionContainerOptions(SessionSettings.Default) { Store = store, StoreSettings = storeSettings }));
    var timeout = TimeSpan.FromSeconds(60);

    // Each caller saves its own session: a page view that changes the session, over and over.
    var sessions = await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        (await container.Ask<SessionOpened>(new OpenSession(), timeout)).Session));
    var before = await container.Ask<SessionStoreStats>(GetSessionStoreStats.Instance, timeout);

    var stop = Stopwatch.StartNew();
    var until = TimeSpan.FromSeconds(runSeconds ?? seconds);
    var counts = await Task.WhenAll(sessions.Select(session => Task.Run(async () =>
    {
        var n = 0;
        var current = session;
        while (stop.Elapsed < until)
        {
            current = (await container.Ask<SessionSaved>(new SaveSession(current.SetString("page", n.ToString(CultureInfo.InvariantCulture)).SetString("cart", "3 books, 1 lamp")), timeout)).Session;
            n++;
        }

        return n;
    })));
    var elapsed = stop.Elapsed;
    var after = await container.Ask<SessionStoreStats>(GetSessionStoreStats.Instance, timeout);
    await system.Terminate();
    await ((IAsyncDisposable)inner).DisposeAsync();

    var acks = counts.Sum();
    var perSecond = acks / elapsed.TotalSeconds;
    var commits = after.Commits - before.Commits;
    var perCommit = commits == 0 ? 0 : (double)(after.WritesCommitted - before.WritesCommitted) / commits;
    Console.WriteLine($"{storeName}, {mode}, {callers} callers: {acks:N0} acknowledged saves in {elapsed.TotalSeconds:F1} s = {perSecond:N0}/s; {commits:N0} container commits, {perCommit:F1} writes per commit");
    return new SaveResult(perSecond, wrap ? 1 : perCommit);
}

static string Row(string store, int callers, SaveResult group, SaveResult single) =>
    $"| {store} | {callers} | {group.PerSecond:N0} | {group.WritesPerCommit:F0} | {single.PerSecond:N0} | {group.PerSecond / single.PerSecond:F1}× |";

async Task<string> Restart(string storeName, Func<bool, ISessionStore> open, int count)
{
    // Fill the store directly: 1M rows as the container writes them (a few keys of data each).
    var store = open(true);
    await store.InitializeAsync(CancellationToken.None);
    var fill = Stopwatch.StartNew();
    await RecoveryByPartition.FillStore(store, count, TimeSpan.FromMinutes(30));
    Console.Error.WriteLine($"{storeName}: filled {count:N0} rows in {fill.Elapsed.TotalSeconds:F1} s");
    if (store is PostgreSqlSessionStore)
    {
        // A real restart meets tables autovacuum has analyzed; right after a bulk fill the planner has no
        // statistics yet and may read the sessions' keys by a plan that takes twice as long.
        await using var connection = new Npgsql.NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var analyze = new Npgsql.NpgsqlCommand("ANALYZE", connection);
        await analyze.ExecuteNonQueryAsync();
    }
    if (store is IAsyncDisposable d)
    {
        await d.DisposeAsync();
    }

    GC.Collect();
    var reopened = open(false);
    using var system = ActorSystem.Create("restart", "akka.loglevel = WARNING");
    var started = Stopwatch.StartNew();
    var container = system.ActorOf(SessionContainer.Props(new SessionContainerOptions(SessionSettings.Default) { Store = reopened, StoreSettings = SessionStoreSettings.Default }));

    // The first answer about a stored session, then every session held (the container serves while it
    // recovers, so its stats count the sessions read so far until the last row is read).
    await container.Ask<SessionFound>(new GetSession(RecoveryByPartition.IdOf(count / 2)), TimeSpan.FromMinutes(5));
    var first = started.Elapsed;
    var stats = await RestartServing.UntilHolding(container, count);

    var elapsed = started.Elapsed;
    GC.Collect();
    var heap = GC.GetTotalMemory(forceFullCollection: true);
    GC.KeepAlive(container);
    await system.Terminate();
    if (reopened is IAsyncDisposable r)
    {
        await r.DisposeAsync();
    }

    return $"| {storeName} | {stats.Count:N0} | {first.TotalMilliseconds:N0} ms | {elapsed.TotalSeconds:F2} s | {stats.Count / elapsed.TotalSeconds:N0} | {heap / 1024.0 / 1024.0:N0} MiB |";
}

int Arg(string name, int fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

string? ArgString(string name) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

internal sealed record SaveResult(double PerSecond, double WritesPerCommit);
