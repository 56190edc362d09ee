using Akka.Actor;
using ActorSessions.Benchmarks.Designs;
using ActorSessions.Benchmarks.Reporting;
using ActorSessions.Benchmarks.Seed;

namespace ActorSessions.Benchmarks.Measurement;

/// <summary>
/// Managed heap per session: the live heap after a full compacting collection, before and after the
/// sessions are created, divided by their number. Everything a design keeps for a session counts: the
/// id string, the entry, the index and the expiry bookkeeping.
/// </summary>
internal static class MemoryFootprint
{
    /// <summary>Measures <paramref name="fill"/>; returns what it made, to be released once measured.</summary>
    public static async Task<(MemoryFigure Figure, object Kept)> MeasureAsync(string design, string content, int sessions, Func<Task<object>> fill)
    {
        var before = LiveHeap();
        var kept = await fill();
        var after = LiveHeap();
        return (new MemoryFigure(design, content, sessions, (after - before) / (double)sessions), kept);
    }

    public static Func<Task<object>> Seed(int sessions, bool oneKey) => () =>
    {
        var seed = new SeedSessionContainer(SessionSettings.Default.IdleTimeout, TimeProvider.System);
        for (var i = 0; i < sessions; i++)
        {
            var session = seed.Open();
            if (oneKey)
            {
                session.Write(Workload.UserKey, Workload.UserValue(i));
                seed.Save(session);
            }
        }

        return Task.FromResult<object>(seed);
    };

    public static Func<Task<object>> ActorSessions(ActorSystem system, string name, int sessions, bool oneKey) => async () =>
    {
        var settings = SessionSettings.Default with { MaxSessions = Math.Max(sessions, 1) };
        Func<Session, Session>? factory = oneKey ? s => s.Set(Workload.UserKey, Workload.UserValue(0)) : null;
        var container = system.ActorOf(SessionContainer.Props(new SessionContainerOptions(settings) { SessionFactory = factory }), name);
        using var client = new SessionClient(container);
        const int Parallel = 1024;
        for (var done = 0; done < sessions; done += Parallel)
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(Parallel, sessions - done)).Select(_ => client.OpenAsync()));
        }

        var held = (await client.GetStatsAsync()).Count;
        if (held != sessions)
        {
            throw new InvalidOperationException($"The container holds {held} sessions, not {sessions}.");
        }

        return container;
    };

    public static Func<Task<object>> AspNet(int sessions) => async () =>
    {
        var design = new AspNetSessionDesign();
        for (var i = 0; i < sessions; i++)
        {
            await design.CreateAsync(Workload.UserValue(i));
        }

        return design;
    };

    public static Func<Task<object>> ConcurrentDictionary(int sessions) => async () =>
    {
        var design = new ConcurrentDictionaryDesign(TimeProvider.System);
        for (var i = 0; i < sessions; i++)
        {
            await design.NewSessionAsync();
        }

        return design;
    };

    private static long LiveHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
