using ActorSessions.Benchmarks.Http.App;
using ActorSessions.Benchmarks.Http.Measurement;
using HdrHistogram;

namespace ActorSessions.Benchmarks.Http.Load;

/// <summary>
/// Measures one cell: fresh virtual users set up their sessions, run their closed loops through a warm-up
/// and the measured window, then read back what they wrote. CPU time of the app, the store and this process
/// is read at the window's two ends.
/// </summary>
internal static class CellRunner
{
    private static readonly TimeSpan MaxWaitForARequest = TimeSpan.FromSeconds(30);

    public static async Task<CellSample> RunAsync(
        ServerProcess server, int? storePid, Backend backend, Workload workload, int users, int round,
        TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        // Two tabs share a cookie: half as many users, each with two connections, so every workload keeps
        // the same number of requests in flight.
        var tabs = workload == Workload.TwoTabs ? 2 : 1;
        var visitors = Enumerable.Range(0, Math.Max(1, users / tabs)).Select(_ => new VirtualUser(server.Address, tabs)).ToArray();
        try
        {
            await Task.WhenAll(visitors.Select(v => v.SetUpAsync(workload, cancellationToken)));
            var loops = visitors.SelectMany(v => v.Tabs.Select((client, tab) => Loop(v, client, workload, tab))).ToArray();
            var phase = new LoadPhase();
            var running = loops.Select(l => Task.Run(() => l.RunAsync(phase), cancellationToken)).ToArray();

            await Task.Delay(warmup, cancellationToken);
            var commitsBefore = await StoreFiguresAsync(server, backend, cancellationToken);
            var before = CpuSnapshot.Take(server.Pid, storePid);
            phase.MoveTo(LoadPhase.Measuring);
            await Task.Delay(duration, cancellationToken);

            // On a machine busy with other work a short window (the quick mode's is a quarter of a second)
            // can pass with no request finished in it; it is held open until one has, so that every cell
            // measures something. A full run's windows hold thousands.
            var measuring = System.Diagnostics.Stopwatch.GetTimestamp();
            while (loops.Sum(l => l.Requests) == 0 && System.Diagnostics.Stopwatch.GetElapsedTime(measuring) < MaxWaitForARequest)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
            }

            phase.MoveTo(LoadPhase.Stopping);
            var after = CpuSnapshot.Take(server.Pid, storePid);
            var commitsAfter = await StoreFiguresAsync(server, backend, cancellationToken);
            await Task.WhenAll(running);
            long? lost = null;
            if (backend.HasSessions())
            {
                var perUser = await Task.WhenAll(visitors.Select(v => v.LostUpdatesAsync(cancellationToken)));
                lost = perUser.All(l => l is not null) ? perUser.Sum(l => l!.Value) : null;
            }

            var latency = new LongHistogram(60_000_000, 3);
            foreach (var loop in loops)
            {
                latency.Add(loop.Latency);
            }

            var requests = loops.Sum(l => l.Requests);
            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
            double? PerRequest(TimeSpan? a, TimeSpan? b) => a is { } x && b is { } y && requests > 0 ? (x - y).TotalMicroseconds / requests : null;
            return new CellSample
            {
                Backend = backend,
                Workload = workload,
                Users = users,
                Round = round,
                Seconds = seconds,
                Requests = requests,
                Errors = loops.Sum(l => l.Errors),
                P50Ms = requests > 0 ? latency.GetValueAtPercentile(50) / 1000.0 : double.NaN,
                P99Ms = requests > 0 ? latency.GetValueAtPercentile(99) / 1000.0 : double.NaN,
                AppCpuMicrosPerRequest = PerRequest(after.App, before.App),
                StoreCpuMicrosPerRequest = PerRequest(after.Store, before.Store),
                LoadGeneratorShare = (after.LoadGenerator - before.LoadGenerator).TotalSeconds / (seconds * Environment.ProcessorCount),
                MachineShare = after.Machine is { } m && before.Machine is { } n ? (m - n).TotalSeconds / (seconds * Environment.ProcessorCount) : null,
                LostUpdates = lost,
                AcknowledgedWrites = visitors.Sum(v => v.AcknowledgedCount),
                CookiesSet = loops.Sum(l => l.CookiesSet),
                WritesPerCommit = commitsBefore is var (c0, w0) && commitsAfter is var (c1, w1) && c1 > c0 ? (w1 - w0) / (double)(c1 - c0) : null,
            };
        }
        finally
        {
            foreach (var visitor in visitors)
            {
                visitor.Dispose();
            }
        }
    }

    /// <summary>ActorSessions' commits and the writes they carried so far; null for the other backends.</summary>
    private static async Task<(long Commits, long Writes)?> StoreFiguresAsync(ServerProcess server, Backend backend, CancellationToken cancellationToken)
    {
        if (!backend.IsActorSessions())
        {
            return null;
        }

        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
        var text = await client.GetStringAsync(Endpoints.StoreFigures, cancellationToken);
        var parts = text.Split(' ');
        return (long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static TabLoop Loop(VirtualUser user, HttpClient client, Workload workload, int tab) => workload switch
    {
        Workload.ReadModifyWrite => new TabLoop(user, client, HttpMethod.Post, Endpoints.Counter, writes: true),
        Workload.ReadOnly => new TabLoop(user, client, HttpMethod.Get, Endpoints.Counter, writes: false),
        Workload.TwoTabs => new TabLoop(user, client, HttpMethod.Post, Endpoints.Tab + Endpoints.Tabs[tab], writes: true),
        Workload.Login => new TabLoop(user, client, HttpMethod.Post, Endpoints.Login, writes: false),
        _ => throw new ArgumentOutOfRangeException(nameof(workload), workload, null),
    };
}
