using Akka.Actor;

namespace ActorSessions;

/// <summary>
/// Local partitions: one container per partition behind one actor that callers talk to as to a single
/// container. A request about one session goes to its id's partition (<see cref="SessionPartitioner"/>);
/// one that asks for a new session goes to the next partition in turn, which issues an id of its own; a
/// batch is split by partition and its answers put back in order; cleanup, time adjustment, flush and the
/// figures reach every partition and are answered with the sum. Forwarded requests keep their sender, so
/// a single request costs one extra hop and no allocation.
/// </summary>
internal sealed class SessionPartitionRouter : ReceiveActor
{
    private readonly IActorRef[] _partitions;
    private readonly PartitionRouting _routing;

    private SessionPartitionRouter(SessionContainerOptions options)
    {
        _partitions = new IActorRef[options.Settings.Partitions];
        _routing = new PartitionRouting(_partitions.Length);
        for (var p = 0; p < _partitions.Length; p++)
        {
            _partitions[p] = Context.ActorOf(SessionContainer.Props(options with { Partition = p }), $"partition-{p}");
        }

        Receive<SessionBatch>(Split);
        Receive<ISessionRequest>(request => _partitions[_routing.PartitionOf(request)].Forward(request));
        Receive<CleanupSessions>(m => FanOut(m, SessionJoins.CleanedUp));
        Receive<AdjustTime>(m => FanOut(m, SessionJoins.TimeAdjusted));
        Receive<GetSessionStats>(m => FanOut(m, SessionJoins.Stats));
        Receive<GetPartitionStats>(m => FanOut(m, SessionJoins.PartitionStats));
        Receive<FlushSessionStore>(m => FanOut(m, SessionJoins.Flushed));
        Receive<GetSessionStoreStats>(m => FanOut(m, SessionJoins.StoreStats));
    }

    public static Props Props(SessionContainerOptions options) =>
        Akka.Actor.Props.CreateBy(new Producer(options));

    /// <summary>A container's failure to start fails that partition, never the others; a restart would lose its sessions.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void Split(SessionBatch batch)
    {
        if (batch.Requests is not { Count: > 0 and <= SessionBatch.MaxRequests } requests)
        {
            // Empty, missing or too long: any partition answers it as the one container would.
            _partitions[0].Forward(batch);
            return;
        }

        var parts = _routing.Split(batch, requests);
        var join = new BatchJoin(Sender, requests.Count, parts.Count, ((ExtendedActorSystem)Context.System).Provider);
        foreach (var (partition, part, slots) in parts)
        {
            _partitions[partition].Tell(part, join.For(slots));
        }
    }

    private void FanOut(object message, Func<IReadOnlyList<object>, object> combine)
    {
        var join = new FanOutJoin(Sender, _partitions.Length, combine, ((ExtendedActorSystem)Context.System).Provider);
        foreach (var partition in _partitions)
        {
            partition.Tell(message, join);
        }
    }

    private sealed class Producer(SessionContainerOptions options) : IIndirectActorProducer
    {
        public Type ActorType => typeof(SessionPartitionRouter);

        public ActorBase Produce() => new SessionPartitionRouter(options);

        public void Release(ActorBase actor)
        {
        }
    }
}
