using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Configs;
using ActorSessions.Benchmarks.Seed;
using BenchmarkDotNet.Attributes;

namespace ActorSessions.Benchmarks.Micro;

/// <summary>
/// What one request costs inside the container's turn, without any messaging around it: the container
/// runs on the calling thread (Akka.TestKit's calling-thread dispatcher) and is handed batches of 64
/// requests for sessions chosen at random. The seed's <c>open</c>, lock included, is the baseline. Costs
/// are per request.
/// </summary>
[MemoryDiagnoser]
public class ContainerTurnBenchmarks
{
    private const int Batch = 64;
    private const int Batches = 64;

    private ActorSystem _system = null!;
    private IActorRef _container = null!;
    private SeedSessionContainer _seed = null!;
    private SessionBatch[] _opens = [];
    private SessionBatch[] _gets = [];
    private string[] _seedIds = [];

    /// <summary>How many sessions are held: a thousand fit in the CPU caches, a hundred thousand do not.</summary>
    [Params(1_000, 100_000)]
    public int Sessions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("turn", TestConfigs.TestSchedulerConfig.WithFallback(TestKitBase.DefaultConfig));
        _container = new TestActorRef<SessionContainer>(_system, SessionContainer.Props(SessionSettings.Default with { MaxSessions = Sessions * 2 }));
        var collector = new Collector();
        for (var made = 0; made < Sessions; made += SessionBatch.MaxRequests)
        {
            var count = Math.Min(SessionBatch.MaxRequests, Sessions - made);
            _container.Tell(new SessionBatch(Enumerable.Range(0, count).Select(_ => (ISessionRequest)new OpenSession()).ToArray()), collector);
        }

        var ids = collector.Ids.ToArray();
        var random = new Random(7);
        _opens = Enumerable.Range(0, Batches).Select(_ => new SessionBatch(Pick(ids, random, id => new OpenSession(id)))).ToArray();
        _gets = Enumerable.Range(0, Batches).Select(_ => new SessionBatch(Pick(ids, random, id => new GetSession(id)))).ToArray();

        _seed = new SeedSessionContainer(SessionSettings.Default.IdleTimeout, TimeProvider.System);
        var seedIds = Enumerable.Range(0, Sessions).Select(_ => _seed.Open().Id).ToArray();
        _seedIds = Enumerable.Range(0, Batch * Batches).Select(_ => seedIds[random.Next(seedIds.Length)]).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    /// <summary>The seed's <c>open</c> under its lock, uncontended.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch * Batches)]
    public void SeedOpen()
    {
        foreach (var id in _seedIds)
        {
            _seed.Open(id);
        }
    }

    /// <summary><see cref="OpenSession"/> of an existing session, in batches: lookup, touch, snapshot, reply.</summary>
    [Benchmark(OperationsPerInvoke = Batch * Batches)]
    public void ContainerOpen()
    {
        foreach (var batch in _opens)
        {
            _container.Tell(batch, ActorRefs.Nobody);
        }
    }

    /// <summary><see cref="GetSession"/>, in batches: the same without the touch.</summary>
    [Benchmark(OperationsPerInvoke = Batch * Batches)]
    public void ContainerGet()
    {
        foreach (var batch in _gets)
        {
            _container.Tell(batch, ActorRefs.Nobody);
        }
    }

    private static ISessionRequest[] Pick(string[] ids, Random random, Func<string, ISessionRequest> request) =>
        Enumerable.Range(0, Batch).Select(_ => request(ids[random.Next(ids.Length)])).ToArray();

    /// <summary>Receives the replies that create the sessions, to learn their ids.</summary>
    private sealed class Collector : MinimalActorRef
    {
        public List<string> Ids { get; } = [];

        public override ActorPath Path { get; } = new RootActorPath(Address.AllSystems) / "collector";

        public override IActorRefProvider Provider => throw new NotSupportedException();

        protected override void TellInternal(object message, IActorRef sender)
        {
            if (message is SessionBatchHandled handled)
            {
                Ids.AddRange(handled.Replies.Cast<SessionOpened>().Select(o => o.Session.Id));
            }
        }
    }
}
