using System.Diagnostics;
using System.Globalization;
using ActorSessions.Durability;
using ActorSessions.Sqlite;
using ActorSessions.Storage;
using Akka.Actor;

namespace ActorSessions.Benchmarks.Durable;

/// <summary>
/// Recovery of P partitions over one SQLite file, two ways in the same run: every partition reading the
/// whole table and keeping the rows that hash to it (how a store that does not fence is read, and how
/// every store was read before rows carried their partition key), and every partition reading only its
/// range of partition keys. Wall time is from starting the containers to every partition's first answer;
/// CPU time is the process's over the same span (all cores).
/// </summary>
internal static class RecoveryByPartition
{
    public static async Task Run(string folder, IReadOnlyList<int> sizes, IReadOnlyList<int> partitionCounts, int rounds, bool reuse)
    {
        Console.WriteLine($"# Recovery by partition — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite, {rounds} rounds each, alternating");
        Console.WriteLine();
        Console.WriteLine("| sessions | P | read | wall time (min–max) | CPU time (min–max) | rows read |");
        Console.WriteLine("|---:|---:|---|---:|---:|---:|");
        foreach (var size in sizes)
        {
            var path = await Database(folder, size, reuse);
            foreach (var partitions in partitionCounts)
            {
                var whole = new List<(TimeSpan Wall, TimeSpan Cpu, long Rows)>();
                var ranged = new List<(TimeSpan Wall, TimeSpan Cpu, long Rows)>();
                for (var round = 0; round < rounds; round++)
                {
                    whole.Add(await Recover(path, partitions, byPartitionKey: false, size));
                    ranged.Add(await Recover(path, partitions, byPartitionKey: true, size));
                }

                Console.WriteLine(Line(size, partitions, "whole table, filtered by hash (before)", whole));
                Console.WriteLine(Line(size, partitions, "its partition-key range (after)", ranged));
            }
        }
    }

    private static string Line(int size, int partitions, string read, List<(TimeSpan Wall, TimeSpan Cpu, long Rows)> runs) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"| {size:N0} | {partitions} | {read} | {runs.Min(r => r.Wall).TotalSeconds:F2}–{runs.Max(r => r.Wall).TotalSeconds:F2} s | {runs.Min(r => r.Cpu).TotalSeconds:F2}–{runs.Max(r => r.Cpu).TotalSeconds:F2} s | {runs[0].Rows:N0} |");

    /// <summary>The SQLite file of <paramref name="size"/> sessions the recovery figures read, filled unless <paramref name="reuse"/> finds one.</summary>
    public static async Task<string> Database(string folder, int size, bool reuse)
    {
        var path = Path.Combine(folder, $"recovery-{size}.db");
        if (!reuse || !File.Exists(path))
        {
            // Filled in the order of the keys the store keeps (random, as real ids are), which takes minutes at 1M.
            await Fill(path, size);
        }

        return path;
    }

    /// <summary>The id of session <paramref name="i"/> of the ones <see cref="FillStore"/> writes.</summary>
    public static string IdOf(int i) => $"bench{i:D15}";

    private static async Task Fill(string path, int count)
    {
        BenchDatabases.DeleteSqlite(path);
        await using var store = new SqliteSessionStore(new SqliteSessionStoreOptions { Path = path });
        await store.InitializeAsync(CancellationToken.None);
        var fill = Stopwatch.StartNew();

        // Live for two hours, so that a database kept with --reuse still holds every session.
        await FillStore(store, count, TimeSpan.FromHours(2));
        Console.Error.WriteLine($"filled {count:N0} sessions in {fill.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Writes <paramref name="count"/> sessions of two keys straight to the store, as the container writes them, in commits of 20,000.</summary>
    public static async Task FillStore(ISessionStore store, int count, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow;
        var data = SessionDataCodec.Encode(SessionData.Empty.SetItem("user", [.. "user-12345"u8]).SetItem("cart", [.. "3 books, 1 lamp"u8]));
        const int chunk = 20_000;
        for (var start = 0; start < count; start += chunk)
        {
            var writes = new List<SessionWrite>(chunk);
            for (var i = start; i < Math.Min(count, start + chunk); i++)
            {
                // Each its own stamp, all within a tenth of a second: a database kept with --reuse holds
                // live sessions for the whole idle timeout after it was filled.
                var touched = now - TimeSpan.FromTicks(count - i);
                writes.Add(SessionWrite.Upsert(new SessionRecord(IdOf(i), data, touched, touched, 1, touched + lifetime)));
            }

            await store.CommitAsync(writes, CancellationToken.None);
        }
    }

    private static async Task<(TimeSpan Wall, TimeSpan Cpu, long Rows)> Recover(string path, int partitions, bool byPartitionKey, int expected)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        await using var sqlite = new SqliteSessionStore(new SqliteSessionStoreOptions { Path = path });
        var counting = new CountingStore(sqlite);
        ISessionStore store = byPartitionKey ? new CountingFencedStore(sqlite, counting) : counting;
        var settings = SessionSettings.Default with { Partitions = partitions, MaxSessions = Math.Max(SessionSettings.Default.MaxSessions, expected * 2) };
        using var system = ActorSystem.Create("recovery", "akka.loglevel = WARNING");
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.StartNew();
        var container = system.ActorOf(SessionContainer.Props(new SessionContainerOptions(settings) { Store = store, StoreSettings = SessionStoreSettings.Default }));
        var stats = await container.Ask<SessionStats>(GetSessionStats.Instance, TimeSpan.FromMinutes(10));
        var wall = started.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        if (stats.Count != expected)
        {
            throw new InvalidOperationException($"Recovered {stats.Count} sessions of {expected}.");
        }

        await system.Terminate();
        return (wall, cpu, counting.Rows);
    }

    /// <summary>The store as one that does not fence: the journal reads it whole and filters by hash. Counts the rows it yields.</summary>
    private sealed class CountingStore(ISessionStore inner) : ISessionStore
    {
        private long _rows;

        public long Rows => Interlocked.Read(ref _rows);

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task CommitAsync(IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken) => inner.CommitAsync(writes, cancellationToken);

        public IAsyncEnumerable<SessionRecord> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken) => Count(inner.LoadAsync(now, cancellationToken));

        public Task<int> DeleteExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) => inner.DeleteExpiredAsync(before, limit, cancellationToken);

        public async IAsyncEnumerable<SessionRecord> Count(IAsyncEnumerable<SessionRecord> rows)
        {
            await foreach (var row in rows.ConfigureAwait(false))
            {
                Interlocked.Increment(ref _rows);
                yield return row;
            }
        }
    }

    /// <summary>The fencing store as it is, reading by partition key, counting the rows it yields.</summary>
    private sealed class CountingFencedStore(IFencedSessionStore inner, CountingStore counter) : IFencedSessionStore
    {
        public bool AcceptsItemChanges => inner.AcceptsItemChanges;

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task CommitAsync(IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken) => inner.CommitAsync(writes, cancellationToken);

        public Task CommitAsync(int partition, long epoch, IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken) => inner.CommitAsync(partition, epoch, writes, cancellationToken);

        public IAsyncEnumerable<SessionRecord> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken) => counter.Count(inner.LoadAsync(now, cancellationToken));

        public IAsyncEnumerable<SessionRecord> LoadAsync(int partition, int partitions, DateTimeOffset now, CancellationToken cancellationToken) =>
            counter.Count(inner.LoadAsync(partition, partitions, now, cancellationToken));

        public Task<int> DeleteExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) => inner.DeleteExpiredAsync(before, limit, cancellationToken);

        public Task<int> DeleteExpiredAsync(int partition, int partitions, long epoch, DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
            inner.DeleteExpiredAsync(partition, partitions, epoch, before, limit, cancellationToken);

        public Task<long> TakePartitionAsync(int partition, CancellationToken cancellationToken) => inner.TakePartitionAsync(partition, cancellationToken);

        public Task<long> TakePartitionAsync(int partition, int partitions, CancellationToken cancellationToken) =>
            inner.TakePartitionAsync(partition, partitions, cancellationToken);
    }
}
