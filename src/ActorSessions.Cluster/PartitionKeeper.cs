using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorSessions.Cluster;

/// <summary>
/// Starts every partition, again and again: a partition whose node was lost comes back on another as soon
/// as the coordinator has a home for it, without waiting for a request to ask. Remember-entities would do
/// this too, but its stores are what the scale-out design rules out; a <see cref="ShardRegion.StartEntity"/>
/// to a partition that runs is a no-op answered with an ack, which the keeper ignores.
/// </summary>
internal sealed class PartitionKeeper : ReceiveActor, IWithTimers
{
    private const string TimerKey = "start-partitions";

    private readonly IActorRef _region;
    private readonly ShardRegion.StartEntity[] _starts;
    private readonly TimeSpan _every;

    public PartitionKeeper(IActorRef region, int partitions, TimeSpan every)
    {
        _region = region;
        _every = every;
        _starts = new ShardRegion.StartEntity[partitions];
        for (var p = 0; p < partitions; p++)
        {
            _starts[p] = new ShardRegion.StartEntity(SessionPartitionExtractor.NameOf(p));
        }

        Receive<Tick>(_ => StartAll());

        // The acks of the starts.
        ReceiveAny(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef region, int partitions, TimeSpan every) =>
        Akka.Actor.Props.Create(() => new PartitionKeeper(region, partitions, every));

    protected override void PreStart()
    {
        StartAll();
        Timers.StartPeriodicTimer(TimerKey, Tick.Instance, _every);
    }

    private void StartAll()
    {
        foreach (var start in _starts)
        {
            _region.Tell(start);
        }
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
