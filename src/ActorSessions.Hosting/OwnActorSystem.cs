using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActorSessions.Hosting;

/// <summary>
/// The actor system started for an app that has none of its own, as ASP.NET Core's in-memory session needs
/// no cache set up: an Akka.Hosting actor system named <see cref="Name"/> with the container, stopped by the
/// host after the web server, as <c>WithActorSessions</c> arranges for any actor system.
/// </summary>
internal static class OwnActorSystem
{
    public const string Name = "actor-sessions";

    /// <summary>
    /// Registers the actor system unless the app registered one with <c>AddAkka</c> before. One it registers
    /// after replaces this one (Akka.Hosting resolves the last <c>AddAkka</c>), so the order of the calls
    /// does not matter; the startup check then holds the app's to having the container.
    /// </summary>
    public static void AddUnlessTheAppHasOne(IServiceCollection services, Func<IServiceProvider, ActorSessionsOptions> options)
    {
        if (services.Any(d => d.ServiceType == typeof(OwnContainerOptions)))
        {
            return;
        }

        services.TryAddSingleton(new OwnContainerOptions(options));
        if (services.Any(d => d.ServiceType == typeof(AkkaConfigurationBuilder)))
        {
            return;
        }

        services.AddAkka(Name, (akka, sp) => akka.WithActorSessions(options(sp)));
    }
}

/// <summary>The container options given where the own actor system is asked for (<c>AddActorSessions</c>).</summary>
internal sealed record OwnContainerOptions(Func<IServiceProvider, ActorSessionsOptions> Resolve);
