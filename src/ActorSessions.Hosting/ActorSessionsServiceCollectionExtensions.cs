using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ActorSessions.Hosting;

/// <summary>DI registrations for code outside the actor system.</summary>
public static class ActorSessionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISessionClient"/> as a singleton over the container that
    /// <see cref="AkkaActorSessionsHostingExtensions.WithActorSessions(Akka.Hosting.AkkaConfigurationBuilder, Action{ActorSessionsOptions}?)"/> started, with the request
    /// timeout of the actor system's <c>actor-sessions</c> settings, timed by a <see cref="TimeProvider"/>
    /// registered in DI (else the system clock). One client is shared by every caller, so concurrent
    /// requests coalesce into batches; the service provider disposes it when it is disposed.
    /// </summary>
    /// <remarks>
    /// The client finds the container at its first call, so it can be injected anywhere, a hosted
    /// service's constructor included, before the actor system has started. A host whose container cannot
    /// be found or is configured twice (no actor system, no <c>WithActorSessions</c> or two, the container's
    /// options given to <c>AddActorSessions</c> as well) fails at start, before any hosted service
    /// starts, with a message that says what to change.
    /// </remarks>
    public static IServiceCollection AddActorSessionsClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ISessionClient>(sp => new ContainerSessionClient(sp));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ActorSessionsStartupCheck>());
        return services;
    }
}
