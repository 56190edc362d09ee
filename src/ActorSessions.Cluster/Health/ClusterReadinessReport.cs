using Akka.Actor;
using Akka.Cluster;

namespace ActorSessions.Cluster.Health;

/// <summary>What <see cref="ClusterReadiness"/> saw: this node's membership, the regions, and which partitions answer and which this node holds.</summary>
/// <param name="Self">This node's address.</param>
/// <param name="Status">This node's member status.</param>
/// <param name="Members">Members this node sees, of any status.</param>
/// <param name="Unreachable">Members this node cannot reach.</param>
/// <param name="Partitions">How many partitions there are (<c>P</c>).</param>
internal sealed record ClusterReadinessReport(Address Self, MemberStatus Status, int Members, int Unreachable, int Partitions)
{
    /// <summary>Up, reachable members that hold partitions, each of which should have a region registered.</summary>
    public int RegionsExpected { get; init; }

    /// <summary>How many of those the coordinator does not know yet.</summary>
    public int RegionsMissing { get; init; }

    /// <summary>Partitions that answered.</summary>
    public int Answering { get; init; }

    /// <summary>Partitions that did not answer in time or refused.</summary>
    public IReadOnlyList<int> NotAnswering { get; init; } = [];

    /// <summary>Partitions this node holds (of those that answered).</summary>
    public IReadOnlyList<int> Held { get; init; } = [];

    /// <summary>Whether every session can be served from this node.</summary>
    public bool Ready => Status == MemberStatus.Up && RegionsExpected > 0 && RegionsMissing == 0 && Answering == Partitions;
}
