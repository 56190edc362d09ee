using Akka.Actor;

namespace ActorSessions.Cluster;

/// <summary>
/// What callers on every node talk to as to one container: the local router's routing over the shard
/// region. A request about one session goes to its id's partition (<see cref="SessionPartitioner"/>), one
/// that asks for a new session to the next partition in turn; a batch is split by partition and put back
/// in order; cleanup, time adjustment, flush and the figures reach every partition and are answered with
/// the sum. Each message travels in a <see cref="PartitionEnvelope"/>, which the region unwraps.
/// </summary>
/// <remarks>
/// Single requests keep their sender, so the partition answers the caller directly. The joins of batches
/// and fan-outs are reachable over the network while they wait, and given up after
/// <c>2 × actor-sessions.request-timeout</c> if a partition never answers (a request lost in a hand-off):
/// the caller has given up long before. A <see cref="SessionClient"/>'s batch is answered part by part
/// (<see cref="SessionBatch.AnswerInParts"/>), so such a loss holds back only the lost part's requests,
/// which the client resends where that is safe.
/// </remarks>
internal sealed class ClusterSessionFront : ReceiveActor
{
    private readonly IActorRef _region;
    private readonly TimeSpan _giveUpAfter;
    private readonly IActorRefProvider _provider;
    private readonly PartitionRouting _routing;

    public ClusterSessionFront(IActorRef region, int partitions, TimeSpan giveUpAfter)
    {
        _region = region;
        _routing = new PartitionRouting(partitions);
        _giveUpAfter = giveUpAfter;
        _provider = ((ExtendedActorSystem)Context.System).Provider;

        Receive<SessionBatch>(Split);
        Receive<ISessionRequest>(request => _region.Tell(new PartitionEnvelope(_routing.PartitionOf(request), request), Sender));
        Receive<CleanupSessions>(m => FanOut(m, SessionJoins.CleanedUp));
        Receive<AdjustTime>(m => FanOut(m, SessionJoins.TimeAdjusted));
        Receive<GetSessionStats>(m => FanOut(m, SessionJoins.Stats));
        Receive<GetPartitionStats>(m => FanOut(m, SessionJoins.PartitionStats));
        Receive<FlushSessionStore>(m => FanOut(m, SessionJoins.Flushed));
        Receive<GetSessionStoreStats>(m => FanOut(m, SessionJoins.StoreStats));
    }

    public static Props Props(IActorRef region, int partitions, TimeSpan giveUpAfter) =>
        Akka.Actor.Props.Create(() => new ClusterSessionFront(region, partitions, giveUpAfter));

    private void Split(SessionBatch batch)
    {
        if (batch.Requests is not { Count: > 0 and <= SessionBatch.MaxRequests } requests)
        {
            // Empty, missing or too long: any partition answers it as the one container would.
            _region.Tell(new PartitionEnvelope(0, batch), Sender);
            return;
        }

        var parts = _routing.Split(batch, requests);
        // A client that takes the answers part by part gets each as it comes: a part lost in a hand-off
        // then holds back only its own requests, which the client resends where that is safe.
        var join = new BatchJoin(Sender, requests.Count, parts.Count, _provider, reachableRemotely: true, inParts: batch.AnswerInParts && parts.Count > 1);
        foreach (var (partition, part, slots) in parts)
        {
            _region.Tell(new PartitionEnvelope(partition, part), join.For(slots));
        }

        Context.System.Scheduler.Advanced.ScheduleOnce(_giveUpAfter, join.Release);
    }

    private void FanOut(ISessionMessage message, Func<IReadOnlyList<object>, object> combine)
    {
        var join = new FanOutJoin(Sender, _routing.Count, combine, _provider, reachableRemotely: true);
        for (var p = 0; p < _routing.Count; p++)
        {
            _region.Tell(new PartitionEnvelope(p, message), join);
        }

        Context.System.Scheduler.Advanced.ScheduleOnce(_giveUpAfter, join.Release);
    }
}
