using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorSessions.Hosting;

/// <summary>
/// Fails the host's start, with what to add, when the session client was registered but no container was:
/// without it every call (every request of a web app) would wait for a container that never comes.
/// Runs once every hosted service has started, so the actor system has run its <c>WithActors</c> steps.
/// </summary>
internal sealed class ActorSessionsStartupCheck(IServiceProvider services) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<ActorRegistry>() is not { } registry)
        {
            throw new InvalidOperationException(
                "ActorSessions needs an actor system with the session container: add builder.Services.AddAkka(\"my-app\", akka => akka.WithActorSessions()).");
        }

        if (!registry.TryGet<SessionContainer>(out _))
        {
            throw new InvalidOperationException(
                "ActorSessions has no session container: add .WithActorSessions() to the actor system, e.g. builder.Services.AddAkka(\"my-app\", akka => akka.WithActorSessions()).");
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
