using System.Diagnostics;
using System.Globalization;
using Akka.Actor;

namespace ActorSessions.Benchmarks.Cluster;

/// <summary>
/// The cost of the remote hop: <c>callers</c> closed loops of <see cref="SessionClient.OpenAsync"/> on existing
/// sessions through node 0's front, in a one-node cluster (every partition local, still behind the shard
/// region) and a three-node one (the partitions shared evenly, so 2/3 of the requests cross the wire and back).
/// Rounds alternate the two so that a slow minute of the shared machine falls on both.
/// </summary>
internal static class HopFigures
{
    private const int Partitions = 9;
    private const int Population = 10_000;

    public static async Task Run(int rounds, TimeSpan measured, int callers)
    {
        Console.WriteLine($"# Remote hop — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, P = {Partitions}, {Population:N0} sessions, {callers} callers, {measured.TotalSeconds:F0} s a round");
        Console.WriteLine();
        var results = new Dictionary<int, List<(double OpsPerSecond, double CpuMicrosPerOp, double Remote)>> { [1] = [], [3] = [] };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var nodes in round % 2 == 0 ? new[] { 1, 3 } : [3, 1])
            {
                var result = await Measure(nodes, measured, callers);
                results[nodes].Add(result);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1}, {nodes} node(s): {result.OpsPerSecond:F0} ops/s, {result.CpuMicrosPerOp:F1} µs CPU/op, {result.Remote:P0} of the requests remote"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| cluster | requests remote | ops/s (median, range) | CPU µs/op (median, range) |");
        Console.WriteLine("|---|--:|--:|--:|");
        foreach (var (nodes, list) in results)
        {
            var ops = list.Select(r => r.OpsPerSecond).Order().ToArray();
            var cpu = list.Select(r => r.CpuMicrosPerOp).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {nodes} node(s) | {list[0].Remote:P0} | {ops[ops.Length / 2]:F0} ({ops[0]:F0}–{ops[^1]:F0}) | {cpu[cpu.Length / 2]:F1} ({cpu[0]:F1}–{cpu[^1]:F1}) |"));
        }

        var one = results[1].Select(r => r.OpsPerSecond).Order().ToArray();
        var three = results[3].Select(r => r.OpsPerSecond).Order().ToArray();
        var cpuOne = results[1].Select(r => r.CpuMicrosPerOp).Order().ToArray();
        var cpuThree = results[3].Select(r => r.CpuMicrosPerOp).Order().ToArray();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"three ÷ one node: ops/s × {three[three.Length / 2] / one[one.Length / 2]:F2}, CPU per op × {cpuThree[cpuThree.Length / 2] / cpuOne[cpuOne.Length / 2]:F2} (medians)"));
    }

    private static async Task<(double OpsPerSecond, double CpuMicrosPerOp, double Remote)> Measure(int nodes, TimeSpan measured, int callers)
    {
        await using var cluster = await LocalCluster.StartAsync(nodes, Partitions);
        await cluster.EvenlySharedAsync(TimeSpan.FromSeconds(60));
        var front = cluster.Fronts[0];
        var ids = new List<string>(Population);
        for (var made = 0; made < Population; made += 500)
        {
            var batch = Enumerable.Range(0, 500).Select(_ => front.Ask<SessionOpened>(new CreateSession(SessionData.Empty.SetItem("v", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])), TimeSpan.FromSeconds(10)));
            ids.AddRange((await Task.WhenAll(batch)).Select(o => o.Session.Id));
        }

        var local = (await cluster.PartitionsOnAsync(0)).ToHashSet();
        var remote = ids.Count(id => !local.Contains(SessionPartitioner.PartitionOf(id, Partitions))) / (double)ids.Count;

        using var client = new SessionClient(front);
        long ops = 0;
        var measuring = false;
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            while (!stop.IsCancellationRequested)
            {
                await client.OpenAsync(ids[random.Next(ids.Count)]);
                if (Volatile.Read(ref measuring))
                {
                    Interlocked.Increment(ref ops);
                }
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(1));
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        Volatile.Write(ref measuring, true);
        await Task.Delay(measured);
        Volatile.Write(ref measuring, false);
        var elapsed = watch.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var done = Interlocked.Read(ref ops);
        await stop.CancelAsync();
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(30));
        return (done / elapsed.TotalSeconds, cpu.TotalMicroseconds / done, remote);
    }
}
