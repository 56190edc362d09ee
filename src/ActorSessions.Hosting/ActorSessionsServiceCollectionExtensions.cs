using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActorSessions.Hosting;

/// <summary>DI registrations for code outside the actor system.</summary>
public static class ActorSessionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISessionClient"/> as a singleton over the container that
    /// <see cref="AkkaActorSessionsHostingExtensions.WithActorSessions"/> started, with the request
    /// timeout of the actor system's <c>actor-sessions</c> settings, timed by a <see cref="TimeProvider"/>
    /// registered in DI (else the system clock). One client is shared by every caller, so concurrent
    /// requests coalesce into batches; the service provider disposes it when it is disposed.
    /// </summary>
    public static IServiceCollection AddActorSessionsClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ISessionClient>(sp => new SessionClient(
            sp.GetRequiredService<IRequiredActor<SessionContainer>>().ActorRef,
            SessionSettings.Create(sp.GetRequiredService<ActorSystem>().Settings.Config),
            sp.GetService<TimeProvider>()));
        return services;
    }
}
