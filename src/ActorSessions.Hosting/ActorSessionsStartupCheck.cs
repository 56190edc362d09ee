using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorSessions.Hosting;

/// <summary>
/// Fails the host's start, before any hosted service starts, with what to change, when the session
/// container cannot be what the app asked for: no actor system, an actor system without the container or
/// with two, or the container's options given both to <c>AddActorSessions</c> and to the app's own
/// <c>WithActorSessions</c>. Without it every call (every request of a web app) would wait for a
/// container that never comes, or run under options the app did not mean.
/// </summary>
internal sealed class ActorSessionsStartupCheck(IServiceProvider services) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // Resolving the builder runs the app's AddAkka delegate, as the actor system's start would next.
        if (services.GetService<AkkaConfigurationBuilder>() is not { } akka)
        {
            throw new InvalidOperationException(
                "ActorSessions needs an actor system with the session container: in a web app builder.Services.AddActorSessions() starts one; elsewhere add builder.Services.AddAkka(\"my-app\", akka => akka.WithActorSessions()).");
        }

        var containers = akka.Setups.OfType<ActorSessionsSetup>().ToList();
        if (containers.Count == 0)
        {
            throw new InvalidOperationException(
                "ActorSessions has no session container: the app's actor system (AddAkka) has no .WithActorSessions(); add it, e.g. builder.Services.AddAkka(\"my-app\", akka => akka.WithActorSessions()). AddActorSessions starts an actor system of its own only when the app registers none.");
        }

        if (containers.Count > 1)
        {
            throw new InvalidOperationException(
                $"WithActorSessions was called {containers.Count} times on one actor system: call it once, with all the container's options; one container serves every session.");
        }

        if (services.GetService<OwnContainerOptions>() is { } own)
        {
            var given = own.Resolve(services);
            if (!ReferenceEquals(given, containers[0].Options) && !given.IsEmpty)
            {
                throw new InvalidOperationException(
                    "The session container's options (IdleTimeout, the store, ...) were given to AddActorSessions, but the app's own actor system runs the container (AddAkka with WithActorSessions): set them in WithActorSessions(o => ...) alone.");
            }
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
