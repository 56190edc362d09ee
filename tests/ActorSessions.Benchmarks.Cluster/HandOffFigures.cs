using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Akka.Actor;

namespace ActorSessions.Benchmarks.Cluster;

/// <summary>
/// The graceful hand-off time of a partition: three nodes with the partitions shared evenly; node 2 leaves
/// (CoordinatedShutdown, as a planned stop) while each partition it holds is probed from node 0 with a
/// <see cref="GetSession"/> every millisecond, each probe on its own. A partition answers its probes until
/// the coordinator's hand-off begins, holds them (the regions buffer what they cannot place) or drops them
/// (what reached the old node mid-move) until it answers on its new node; the longest interval between two
/// answers of a partition is its hand-off time, seen from a caller.
/// </summary>
internal static class HandOffFigures
{
    private const int Partitions = 9;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public static async Task Run(int rounds)
    {
        Console.WriteLine($"# Graceful hand-off — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, three nodes, P = {Partitions}, Akka's production sharding defaults, {rounds} rounds");
        Console.WriteLine();
        var gaps = new List<double>();
        var leaves = new List<double>();
        long probes = 0, dropped = 0;
        for (var round = 1; round <= rounds; round++)
        {
            var (roundGaps, leave, sent, lost) = await Round();
            gaps.AddRange(roundGaps);
            leaves.Add(leave);
            probes += sent;
            dropped += lost;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: leave took {leave:F0} ms; longest time without an answer per moved partition: {string.Join(", ", roundGaps.Select(g => $"{g:F0} ms"))}; {lost} of {sent} probes never answered"));
        }

        gaps.Sort();
        leaves.Sort();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hand-off of a partition (caller's view): median {gaps[gaps.Count / 2]:F0} ms, range {gaps[0]:F0}–{gaps[^1]:F0} ms over {gaps.Count} moves; the leave (coordinated shutdown): median {leaves[leaves.Count / 2]:F0} ms, range {leaves[0]:F0}–{leaves[^1]:F0} ms; {dropped} of {probes} probes never answered"));
    }

    private static async Task<(List<double> Gaps, double LeaveMs, long Sent, long Dropped)> Round()
    {
        await using var cluster = await LocalCluster.StartAsync(3, Partitions);
        await cluster.EvenlySharedAsync(TimeSpan.FromSeconds(90));
        var front = cluster.Fronts[0];
        var moving = await cluster.PartitionsOnAsync(2);

        // One session in each partition that will move.
        var probed = new Dictionary<int, string>();
        while (probed.Count < moving.Length)
        {
            var opened = await front.Ask<SessionOpened>(new CreateSession(SessionData.Empty.SetItem("v", [1])), TimeSpan.FromSeconds(10));
            var p = SessionPartitioner.PartitionOf(opened.Session.Id, Partitions);
            if (moving.Contains(p))
            {
                probed.TryAdd(p, opened.Session.Id);
            }
        }

        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var answers = probed.Keys.ToDictionary(p => p, _ => new ConcurrentQueue<double>());
        var outstanding = new ConcurrentBag<Task>();
        long sent = 0, dropped = 0;
        var probers = probed.Select(pair => Task.Run(async () =>
        {
            var (partition, id) = pair;
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref sent);
                outstanding.Add(Probe(front, id, answers[partition], clock, () => Interlocked.Increment(ref dropped)));
                await Task.Delay(1);
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(1));
        var leaveStart = clock.Elapsed.TotalMilliseconds;
        await cluster.LeaveAsync(2);
        var leave = clock.Elapsed.TotalMilliseconds - leaveStart;
        await LocalCluster.Until(
            async () =>
            {
                try
                {
                    await Task.WhenAll(cluster.Fronts.Take(2).Select(f => f.Ask<SessionStats>(GetSessionStats.Instance, TimeSpan.FromSeconds(1))));
                    return true;
                }
                catch (Exception e) when (e is TimeoutException or AskTimeoutException or TaskCanceledException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            "every partition answering on the nodes that stay");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stop.CancelAsync();
        await Task.WhenAll(probers);
        await Task.WhenAll(outstanding).WaitAsync(ProbeTimeout * 2);

        var gaps = answers.Values.Select(q => LongestGap([.. q.Order()], leaveStart)).ToList();
        return (gaps, leave, Interlocked.Read(ref sent), Interlocked.Read(ref dropped));
    }

    private static async Task Probe(IActorRef front, string id, ConcurrentQueue<double> answers, Stopwatch clock, Action lost)
    {
        try
        {
            // In memory, a partition starts empty on its new node: not found is its answer there.
            await front.Ask<object>(new GetSession(id), ProbeTimeout);
            answers.Enqueue(clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException or TaskCanceledException)
        {
            lost();
        }
    }

    /// <summary>The longest interval between two answers that ends after the leave began.</summary>
    private static double LongestGap(double[] times, double after)
    {
        var longest = 0.0;
        for (var i = 1; i < times.Length; i++)
        {
            if (times[i] > after)
            {
                longest = Math.Max(longest, times[i] - times[i - 1]);
            }
        }

        return longest;
    }
}
