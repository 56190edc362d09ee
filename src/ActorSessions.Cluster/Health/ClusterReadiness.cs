using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;

namespace ActorSessions.Cluster.Health;

/// <summary>
/// Whether this node can serve every session: it is an Up member, every member that holds partitions has
/// registered its shard region with the coordinator, and every partition answers through the region. Until
/// the last region has registered, the coordinator gives every shard asked for to the regions it knows, so
/// traffic that begins at member-up lands all on the first nodes (seen in 2 of 20 starts of the prototype);
/// until every partition answers, some sessions cannot be served.
/// </summary>
/// <remarks>
/// Each partition is asked on its own (<see cref="GetPartitionStats"/> in a <see cref="PartitionEnvelope"/>),
/// all at once and with the coordinator's list of regions, so a check costs <see cref="ProbeTimeout"/> at
/// most, not once a partition, and the answer says which partitions answer and where each runs.
/// </remarks>
internal sealed class ClusterReadiness(ActorSystem system, IRequiredActor<SessionPartitions> region)
{
    /// <summary>
    /// How long a partition has to answer. A serving partition answers a figures request in well under a
    /// millisecond; a second tells one that does not serve (its node lost, still recovering) from one that
    /// does, and keeps a load balancer's probe (often 1–5 s) from timing out on the check itself.
    /// </summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    private readonly int _partitions = SessionSettings.Create(system.Settings.Config).Partitions;
    private readonly string? _role = system.Settings.Setup.Get<ActorSessionsClusterSetup>().Value?.Role;
    private volatile bool _wasReady;

    /// <summary>Whether this node has been ready once since it started: from then on a missing partition degrades it, no more.</summary>
    public bool WasReady
    {
        get => _wasReady;
        set => _wasReady = value;
    }

    /// <summary>How things stand now.</summary>
    public async Task<ClusterReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var state = cluster.State;
        var self = cluster.SelfMember;
        var holders = state.Members
            .Where(m => m.Status == MemberStatus.Up && !state.Unreachable.Contains(m) && (_role is null || m.HasRole(_role)))
            .Select(m => m.Address)
            .ToHashSet();
        var report = new ClusterReadinessReport(cluster.SelfAddress, self.Status, state.Members.Count, state.Unreachable.Count, _partitions);
        if (self.Status != MemberStatus.Up)
        {
            // Not a member that serves yet (or any more): the region would only hold the probes.
            return report;
        }

        var shards = await region.GetAsync(cancellationToken).ConfigureAwait(false);
        var registered = RegionsAsync(shards, cancellationToken);
        var answers = await Task.WhenAll(Enumerable.Range(0, _partitions).Select(p => ProbeAsync(shards, p, cancellationToken))).ConfigureAwait(false);
        var regions = await registered.ConfigureAwait(false);
        var selfAddress = cluster.SelfAddress.ToString();
        return report with
        {
            RegionsExpected = holders.Count,
            RegionsMissing = holders.Count(a => !regions.Contains(a)),
            Answering = answers.Count(a => a is not null),
            NotAnswering = [.. Enumerable.Range(0, _partitions).Where(p => answers[p] is null)],
            Held = [.. answers.Where(a => a is not null && a.Node == selfAddress).Select(a => a!.Partition)],
        };
    }

    private static async Task<IImmutableSet<Address>> RegionsAsync(IActorRef shards, CancellationToken cancellationToken)
    {
        try
        {
            // The region forwards it to the coordinator; without one yet it answers with none.
            var current = await shards.Ask<CurrentRegions>(GetCurrentRegions.Instance, ProbeTimeout, cancellationToken).ConfigureAwait(false);
            return current.Regions;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return ImmutableHashSet<Address>.Empty;
        }
    }

    private static async Task<PartitionStats?> ProbeAsync(IActorRef shards, int partition, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await shards.Ask<PartitionStatsReport>(new PartitionEnvelope(partition, GetPartitionStats.Instance), ProbeTimeout, cancellationToken).ConfigureAwait(false);
            return answer.Partitions.FirstOrDefault(p => p.Partition == partition);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // No answer in time, or a refusal (fenced, its store unreadable while it recovers): it does not serve.
            return null;
        }
    }
}
