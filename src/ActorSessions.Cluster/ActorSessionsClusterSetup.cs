using Akka.Actor.Setup;

namespace ActorSessions.Cluster;

/// <summary>
/// Left on the actor system's setup by <c>WithActorSessionsCluster</c>: what readiness needs to know about
/// the partitions' shard region that the actor system does not say itself (which members hold partitions).
/// </summary>
internal sealed class ActorSessionsClusterSetup(string? role) : Setup
{
    /// <summary>The role of the members that hold partitions; <see langword="null"/> for every member.</summary>
    public string? Role { get; } = role;
}
