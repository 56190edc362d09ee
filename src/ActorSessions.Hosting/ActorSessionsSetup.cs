using Akka.Actor.Setup;

namespace ActorSessions.Hosting;

/// <summary>
/// Left on the actor system's setup by <c>WithActorSessions</c>, with the options it was given: how the host
/// tells, before the actor system starts, that a container comes with it, once, and from which options.
/// </summary>
internal sealed class ActorSessionsSetup(ActorSessionsOptions options) : Setup
{
    public ActorSessionsOptions Options { get; } = options;
}
