using System.Runtime;
using Akka.Actor;
using Akka.Configuration;
using HdrHistogram;
using ActorSessions.Benchmarks.Designs;
using ActorSessions.Benchmarks.Measurement;
using ActorSessions.Benchmarks.Reporting;

namespace ActorSessions.Benchmarks;

/// <summary>
/// Runs every design through every workload in one process, one after the other, so each figure can be
/// read as a ratio to the seed's design and to ASP.NET Core's session measured minutes apart on the
/// same machine.
/// </summary>
internal sealed class Harness(HarnessOptions options, TextWriter log)
{
    private const string OpenExisting = "open-existing";
    private const string OpenHot = "open-existing-hot-set";
    private const string WebRequest = "web-request";
    private const string NewSessions = "new-sessions";
    private const string Concurrent = "concurrent";
    private const string Single = "single";

    private readonly List<LoadFigure> _load = [];
    private readonly LoadRunner _runner = new();
    private ClientDesign? _clientForBatchSizes;

    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public async Task<Report> RunAsync()
    {
        var startedAt = DateTimeOffset.UtcNow;
        var loadBefore = LoadAverage();
        log.WriteLine($"ActorSessions benchmarks, {options.Mode} mode, {Environment.ProcessorCount} cores, load average {loadBefore}");

        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING");
        using var system = ActorSystem.Create("benchmarks", config);

        await RunLoadAsync(system);

        var memory = new List<MemoryFigure>();
        if (options.Runs("memory"))
        {
            log.WriteLine($"[{_clock.Elapsed:mm\\:ss}] memory per session ...");
            memory = await RunMemoryAsync(system);
        }

        var cleanup = new List<CleanupFigure>();
        if (options.Runs("cleanup"))
        {
            log.WriteLine($"[{_clock.Elapsed:mm\\:ss}] cleanup stall ...");

            // The seed, then ActorSessions chunked and in one pass.
            async Task<CleanupFigure[]> MeasureCleanupAsync(string prefix, int sessions, int expired, int rounds) =>
            [
                CleanupStall.Seed(sessions, expired, rounds),
                await CleanupStall.ActorSessionsAsync(system, $"{prefix}-chunked", sessions, expired, SessionSettings.Default.CleanupBatchSize, rounds),
                await CleanupStall.ActorSessionsAsync(system, $"{prefix}-one-pass", sessions, expired, int.MaxValue, rounds),
            ];

            // A warm-up at a tenth of the size, discarded: the first cleanup of a process otherwise runs
            // in unoptimized (tier-0) code and its stall is several times the rest (seen: 3.4 ms in the
            // first round against 0.6-1 ms after).
            await MeasureCleanupAsync("cleanup-warm-up", options.CleanupSessions / 10, options.CleanupExpired / 10, 3);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            cleanup.AddRange(await MeasureCleanupAsync("cleanup", options.CleanupSessions, options.CleanupExpired, options.CleanupRounds));
        }

        var seedStall = cleanup.FirstOrDefault(c => c.IsSeed)?.StallMedianMillis ?? double.NaN;
        foreach (var figure in cleanup)
        {
            figure.StallVsSeed = figure.StallMedianMillis / seedStall;
        }

        await system.Terminate();
        Ratios.Apply(_load, memory);
        var environment = new RunEnvironment(
            options.Mode,
            startedAt,
            DateTimeOffset.UtcNow,
            Environment.ProcessorCount,
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            GCSettings.IsServerGC,
            loadBefore,
            LoadAverage());
        return new Report(environment, _load, cleanup, memory, Goals.Check(_load, cleanup, memory));
    }

    private async Task RunLoadAsync(ActorSystem system)
    {
        var callers = options.Callers;
        var seed = new SeedDesign(TimeProvider.System);
        var reference = new ConcurrentDictionaryDesign(TimeProvider.System);
        var aspNet = new AspNetSessionDesign();
        var ask = new AskDesign(system, "ask-container");
        var client = new ClientDesign(system, "client-container");
        _clientForBatchSizes = client;
        var tell = new ClientDesign(system, "tell-container");
        var two = new ClientDesign(system, "client-2-partitions", partitions: 2);
        var four = new ClientDesign(system, "client-4-partitions", partitions: 4);
        var designs = new ISessionDesign[] { seed, reference, aspNet, ask, client, tell, two, four };
        var ids = new Dictionary<ISessionDesign, string[]>();
        foreach (var design in designs)
        {
            ids[design] = await design.PopulateAsync(options.Population);
        }

        log.WriteLine($"[{_clock.Elapsed:mm\\:ss}] populated {options.Population:N0} sessions in each design");
        var value = Workload.UserValue(42);

        // Each row's ids are looked up once, not per operation: the harness's own cost is in every row.
        Func<Random, ValueTask> Open(ISessionDesign d)
        {
            var own = ids[d];
            return r => d.OpenAsync(own[r.Next(own.Length)]);
        }

        Func<Random, ValueTask> Web(ISessionDesign d)
        {
            var own = ids[d];
            return r => d.WebRequestAsync(own[r.Next(own.Length)], value);
        }

        Func<Random, ValueTask> New(ISessionDesign d) => _ => d.NewSessionAsync();

        // Open an existing session.
        await RunRowsAsync(
        [
            Threads(OpenExisting, Concurrent, seed, 2, Open(seed), isSeed: true),
            Threads(OpenExisting, Concurrent, reference, 2, Open(reference)),
            Tasks(OpenExisting, Concurrent, aspNet, callers, Open(aspNet), isAspNet: true),
            Tasks(OpenExisting, Concurrent, ask, callers, Open(ask)),
            Tasks(OpenExisting, Concurrent, client, callers, Open(client)),
            Tasks(OpenExisting, Concurrent, two, callers, Open(two)),
            Tasks(OpenExisting, Concurrent, four, callers, Open(four)),
            Tell(OpenExisting, Concurrent, system, tell, ids[tell], TellRequester.Kind.Open, callers, 1),
            Tell(OpenExisting, Concurrent, system, tell, ids[tell], TellRequester.Kind.Open, 8, 32),
            Threads(OpenExisting, Single, seed, 1, Open(seed), isSeed: true),
            Tasks(OpenExisting, Single, aspNet, 1, Open(aspNet), isAspNet: true),
            Tasks(OpenExisting, Single, ask, 1, Open(ask)),
            Tasks(OpenExisting, Single, client, 1, Open(client)),
            Tell(OpenExisting, Single, system, tell, ids[tell], TellRequester.Kind.Open, 1, 1),
        ]);

        // The same, with the requests spread over a hot set that fits in the CPU caches: the many
        // sessions of idle visitors stay in memory while the active ones are opened again and again.
        var hot = Math.Min(options.HotSet, options.Population);
        Func<Random, ValueTask> OpenHotSet(ISessionDesign d)
        {
            var own = ids[d];
            return r => d.OpenAsync(own[r.Next(hot)]);
        }

        var hotIds = ids[tell][..hot];
        await RunRowsAsync(
        [
            Threads(OpenHot, Concurrent, seed, 2, OpenHotSet(seed), isSeed: true),
            Threads(OpenHot, Concurrent, reference, 2, OpenHotSet(reference)),
            Tasks(OpenHot, Concurrent, aspNet, callers, OpenHotSet(aspNet), isAspNet: true),
            Tasks(OpenHot, Concurrent, ask, callers, OpenHotSet(ask)),
            Tasks(OpenHot, Concurrent, client, callers, OpenHotSet(client)),
            Tell(OpenHot, Concurrent, system, tell, hotIds, TellRequester.Kind.Open, callers, 1),
            Tell(OpenHot, Concurrent, system, tell, hotIds, TellRequester.Kind.Open, 8, 32),
        ]);

        // A web request: open, read a key, write a key, commit.
        await RunRowsAsync(
        [
            Threads(WebRequest, Concurrent, seed, 2, Web(seed), isSeed: true),
            Threads(WebRequest, Concurrent, reference, 2, Web(reference)),
            Tasks(WebRequest, Concurrent, aspNet, callers, Web(aspNet), isAspNet: true),
            Tasks(WebRequest, Concurrent, ask, callers, Web(ask)),
            Tasks(WebRequest, Concurrent, client, callers, Web(client)),
            Tell(WebRequest, Concurrent, system, tell, ids[tell], TellRequester.Kind.WebRequest, callers, 1),
        ]);

        // A burst of first visits: new sessions.
        await RunRowsAsync(
        [
            Threads(NewSessions, Concurrent, seed, 2, New(seed), isSeed: true, burst: true),
            Threads(NewSessions, Concurrent, reference, 2, New(reference), burst: true),
            Tasks(NewSessions, Concurrent, aspNet, callers, New(aspNet), isAspNet: true, burst: true),
            Tasks(NewSessions, Concurrent, ask, callers, New(ask), burst: true),
            Tasks(NewSessions, Concurrent, client, callers, New(client), burst: true),
            Tell(NewSessions, Concurrent, system, tell, ids[tell], TellRequester.Kind.New, callers, 1, burst: true),
        ]);

        foreach (var design in designs)
        {
            await design.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs the rows of one workload round-robin, <see cref="HarnessOptions.Rounds"/> times, and keeps
    /// each row's median round: the machine's load drifts, and interleaving spreads the drift over
    /// every row instead of letting it land on one.
    /// </summary>
    private async Task RunRowsAsync(Row[] rows)
    {
        rows = rows.Where(r => options.Runs(r.Label)).ToArray();
        var results = rows.Select(_ => new List<LoadRunner.Result>()).ToArray();
        for (var round = 0; round < options.Rounds; round++)
        {
            for (var i = 0; i < rows.Length; i++)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                var sentBefore = _clientForBatchSizes?.Client.Sent ?? default;
                var result = await rows[i].Run();
                results[i].Add(result);
                var batches = string.Empty;
                if (_clientForBatchSizes is { } client && rows[i].Design == client.Name)
                {
                    var sent = client.Client.Sent;
                    batches = $"  mean batch {(double)(sent.Calls - sentBefore.Calls) / Math.Max(1, sent.Messages - sentBefore.Messages):N1}";
                }

                log.WriteLine($"[{_clock.Elapsed:mm\\:ss}] round {round + 1}: {rows[i].Label,-100} {result.OpsPerSecond,12:N0} ops/s  CPU {result.CpuNanosPerOp,6:N0} ns/op  GC {result.GcPauseShare,4:P0}  p50 {LatencyRecorder.Micros(result.Latency, 50),9:N1} us  p99 {LatencyRecorder.Micros(result.Latency, 99),9:N1} us{batches}  pool threads {ThreadPool.ThreadCount}");
            }
        }

        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            var median = results[i].OrderBy(r => r.OpsPerSecond).ElementAt(results[i].Count / 2);
            var h = median.Latency;
            _load.Add(new LoadFigure(
                row.Workload,
                row.Group,
                row.Design,
                row.Callers,
                row.IsSeed,
                row.IsAspNet,
                median.Operations,
                median.Elapsed.TotalSeconds,
                median.OpsPerSecond,
                LatencyRecorder.Micros(h, 50),
                LatencyRecorder.Micros(h, 90),
                LatencyRecorder.Micros(h, 99),
                LatencyRecorder.Micros(h, 99.9),
                h.TotalCount == 0 ? double.NaN : h.GetMaxValue() / 1000.0)
            {
                CpuNanosPerOp = median.CpuNanosPerOp,
                GcPauseShare = median.GcPauseShare,
                AllocatedBytesPerOp = MedianOf(results[i].Select(r => r.AllocatedBytesPerOp)),
                Rounds = results[i].Select(r => r.OpsPerSecond).ToArray(),
            });
        }
    }

    /// <summary>
    /// The median of the rounds that have a figure. Bytes are not taken from the median round alone: the
    /// runtime's count of them can jump in a round where the GC changes its number of heaps (see
    /// <see cref="LoadRunner.Result.AllocatedBytesPerOp"/>), and one such round of three then does not decide.
    /// </summary>
    private static double? MedianOf(IEnumerable<double?> rounds)
    {
        var known = rounds.OfType<double>().ToArray();
        return known.Length == 0 ? null : Statistics.Median(known);
    }

    private Row Threads(string workload, string group, ISessionDesign design, int threads, Func<Random, ValueTask> operation, bool isSeed = false, bool burst = false) =>
        new(workload, group, design.Name, threads == 1 ? "1 thread" : $"{threads} threads", isSeed, false, () =>
            _runner.RunAsync(threads, LoadRunner.Callers.Threads, options.Warmup, burst ? options.BurstDuration : options.Duration, operation));

    private Row Tasks(string workload, string group, ISessionDesign design, int callers, Func<Random, ValueTask> operation, bool isAspNet = false, bool burst = false) =>
        new(workload, group, design.Name, callers == 1 ? "1 caller" : $"{callers} callers", false, isAspNet, () =>
            _runner.RunAsync(callers, LoadRunner.Callers.Tasks, options.Warmup, burst ? options.BurstDuration : options.Duration, operation));

    private Row Tell(string workload, string group, ActorSystem system, ClientDesign design, string[] ids, TellRequester.Kind kind, int actors, int batch, bool burst = false) =>
        new(
            workload,
            group,
            batch == 1 ? "ActorSessions, actor-to-actor Tell" : $"ActorSessions, actor-to-actor Tell, SessionBatch of {batch}",
            actors == 1 ? "1 actor" : $"{actors} actors",
            false,
            false,
            () => TellDriver.RunAsync(system, design.Container, ids, kind, actors, batch, options.Warmup, burst ? options.BurstDuration : options.Duration));

    /// <summary>One line of a workload's table.</summary>
    private sealed record Row(string Workload, string Group, string Design, string Callers, bool IsSeed, bool IsAspNet, Func<Task<LoadRunner.Result>> Run)
    {
        public string Label => $"{Workload} {Design} {Callers}";
    }

    private async Task<List<MemoryFigure>> RunMemoryAsync(ActorSystem system)
    {
        var n = options.MemorySessions;
        var figures = new List<MemoryFigure>();
        async Task Measure(string design, string content, Func<Task<object>> fill, bool isSeed = false, bool isAspNet = false)
        {
            var (figure, kept) = await MemoryFootprint.MeasureAsync(design, content, n, fill);
            figures.Add(figure with { IsSeed = isSeed, IsAspNet = isAspNet });
            log.WriteLine($"  {design}, {content}: {figure.BytesPerSession:F0} B/session");
            switch (kept)
            {
                case IActorRef container:
                    await container.GracefulStop(TimeSpan.FromSeconds(30));
                    break;
                case IAsyncDisposable disposable:
                    await disposable.DisposeAsync();
                    break;
            }
        }

        const string Empty = "empty";
        const string OneKey = "one 12-byte value";
        await Measure("seed: global lock + Dictionary", Empty, MemoryFootprint.Seed(n, oneKey: false), isSeed: true);
        await Measure("ActorSessions", Empty, MemoryFootprint.ActorSessions(system, "memory-empty", n, oneKey: false));
        await Measure("reference: ConcurrentDictionary, no lock", Empty, MemoryFootprint.ConcurrentDictionary(n));
        await Measure("seed: global lock + Dictionary", OneKey, MemoryFootprint.Seed(n, oneKey: true), isSeed: true);
        await Measure("ASP.NET Core session (DistributedSession + MemoryDistributedCache)", OneKey, MemoryFootprint.AspNet(n), isAspNet: true);
        await Measure("ActorSessions", OneKey, MemoryFootprint.ActorSessions(system, "memory-one-key", n, oneKey: true));
        return figures;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
