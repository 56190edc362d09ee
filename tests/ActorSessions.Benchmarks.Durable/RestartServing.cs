using System.Diagnostics;
using System.Globalization;
using ActorSessions.Sqlite;
using Akka.Actor;

namespace ActorSessions.Benchmarks.Durable;

/// <summary>
/// A restart over SQLite with <c>serve-while-recovering</c> off (every request waits for the last row)
/// against on (a request waits only for its own session's row), side by side, rounds alternating, on the
/// same file. Each round starts a container, asks at once for a stored session (the first answer), then
/// for the container's stats until it holds every session (fully recovered: the last row read, polled
/// every millisecond, which a container that does not serve while recovering answers only then).
/// Wall times are from starting the container; CPU time is the process's over the full recovery; the
/// heap is the managed heap after a full collection once every session is held (the largest of the rounds).
/// </summary>
internal static class RestartServing
{
    public static async Task Run(string folder, IReadOnlyList<int> sizes, IReadOnlyList<int> partitionCounts, int rounds, bool reuse)
    {
        Console.WriteLine($"# Restart, serving while recovering — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite, {rounds} rounds each, alternating");
        Console.WriteLine();
        Console.WriteLine("| sessions | P | serve-while-recovering | first answer (min–max) | fully recovered (min–max) | CPU to fully recovered (min–max) | managed heap after |");
        Console.WriteLine("|---:|---:|---|---:|---:|---:|---:|");
        foreach (var size in sizes)
        {
            var path = await RecoveryByPartition.Database(folder, size, reuse);
            foreach (var partitions in partitionCounts)
            {
                var off = new List<Round>();
                var on = new List<Round>();
                for (var round = 0; round < rounds; round++)
                {
                    off.Add(await Restart(path, partitions, serveWhileRecovering: false, size, round));
                    on.Add(await Restart(path, partitions, serveWhileRecovering: true, size, round));
                }

                Console.WriteLine(Line(size, partitions, "off (the last row first)", off));
                Console.WriteLine(Line(size, partitions, "on", on));
            }
        }
    }

    private static async Task<Round> Restart(string path, int partitions, bool serveWhileRecovering, int expected, int round)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        await using var store = new SqliteSessionStore(new SqliteSessionStoreOptions { Path = path });
        var settings = SessionSettings.Default with { Partitions = partitions, MaxSessions = Math.Max(SessionSettings.Default.MaxSessions, expected * 2) };
        var storeSettings = SessionStoreSettings.Default with { ServeWhileRecovering = serveWhileRecovering };

        // A different stored session each round, so that no round finds its row in a cache another warmed.
        var id = RecoveryByPartition.IdOf((int)((expected * 0.37) + (round * 7919)) % expected);
        using var system = ActorSystem.Create("restart", "akka.loglevel = WARNING");
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.StartNew();
        var container = system.ActorOf(SessionContainer.Props(new SessionContainerOptions(settings) { Store = store, StoreSettings = storeSettings }));
        var found = await container.Ask<SessionFound>(new GetSession(id), TimeSpan.FromMinutes(10));
        var first = started.Elapsed;
        if (found.Session.Id != id)
        {
            throw new InvalidOperationException("The first answer was about another session.");
        }

        await UntilHolding(container, expected);
        var full = started.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(container);
        await system.Terminate();
        return new Round(first, full, cpu, heap);
    }

    /// <summary>
    /// Asks for the container's stats every millisecond until it holds <paramref name="count"/> sessions: while
    /// it serves during recovery they count the sessions read so far. Returns the last stats.
    /// </summary>
    internal static async Task<SessionStats> UntilHolding(IActorRef container, int count)
    {
        SessionStats stats;
        while ((stats = await container.Ask<SessionStats>(GetSessionStats.Instance, TimeSpan.FromMinutes(10))).Count < count)
        {
            await Task.Delay(1);
        }

        return stats;
    }

    private static string Line(int size, int partitions, string mode, List<Round> rounds) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"| {size:N0} | {partitions} | {mode} | {Range(rounds.Select(r => r.First))} | {Range(rounds.Select(r => r.Full))} | {Range(rounds.Select(r => r.Cpu))} | {rounds.Max(r => r.Heap) / 1024.0 / 1024.0:N0} MiB |");

    private static string Range(IEnumerable<TimeSpan> spans)
    {
        var list = spans.ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{Format(list.Min())}–{Format(list.Max())}");
    }

    private static string Format(TimeSpan t) =>
        t < TimeSpan.FromSeconds(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:F0} ms")
            : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F2} s");

    private sealed record Round(TimeSpan First, TimeSpan Full, TimeSpan Cpu, long Heap);
}
