using Microsoft.Extensions.Configuration;
using Akka.Hosting;

namespace ActorSessions.Hosting;

/// <summary>Plugs ActorSessions into an Akka.Hosting actor system.</summary>
public static class AkkaActorSessionsHostingExtensions
{
    /// <summary>
    /// Starts a <see cref="SessionContainer"/> with the actor system and registers it in the
    /// <see cref="ActorRegistry"/> under <see cref="SessionContainer"/>, so <c>IRequiredActor&lt;SessionContainer&gt;</c>
    /// resolves it. Settings come from <paramref name="configure"/>, then the application's HOCON, then
    /// the embedded <c>reference.conf</c>.
    /// </summary>
    /// <remarks>
    /// A planned stop is safe by default: Akka's CLR exit hook is turned off (unless the application's
    /// HOCON says otherwise), so the host stops the actor system only after the requests in flight were
    /// drained and their writes committed, and the container flushes its written-behind touches then.
    /// </remarks>
    public static AkkaConfigurationBuilder WithActorSessions(this AkkaConfigurationBuilder builder, Action<ActorSessionsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ActorSessionsOptions();
        configure?.Invoke(options);
        return builder.WithActorSessions(options);
    }

    /// <summary>
    /// As <see cref="WithActorSessions(AkkaConfigurationBuilder, Action{ActorSessionsOptions}?)"/>, with the
    /// options bound from <paramref name="configuration"/> (an <c>appsettings.json</c> section, the
    /// environment, the command line), e.g. <c>builder.Configuration.GetSection("ActorSessions")</c> with
    /// keys named as the options' properties (<c>IdleTimeout</c>, <c>MaxSessions</c>, <c>MaxMemory</c>, ...);
    /// <paramref name="configure"/> runs after the binding. A value that cannot work fails the start.
    /// </summary>
    public static AkkaConfigurationBuilder WithActorSessions(this AkkaConfigurationBuilder builder, IConfiguration configuration, Action<ActorSessionsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new ActorSessionsOptions();
        configuration.Bind(options);
        configure?.Invoke(options);
        return builder.WithActorSessions(options);
    }

    /// <summary>
    /// As <see cref="WithActorSessions(AkkaConfigurationBuilder, Action{ActorSessionsOptions}?)"/>, with
    /// <paramref name="options"/> as they are.
    /// </summary>
    /// <remarks>
    /// Akka's log goes through Microsoft.Extensions.Logging (<c>LoggerFactoryLogger</c>), with the host's
    /// other logs, unless the application chose Akka's loggers itself: <c>ConfigureLoggers</c> or its
    /// HOCON's <c>akka.loggers</c> win.
    /// </remarks>
    public static AkkaConfigurationBuilder WithActorSessions(this AkkaConfigurationBuilder builder, ActorSessionsOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        AddConfiguration(builder, options);
        builder.WithActors((system, registry, resolver) =>
        {
            var (containerOptions, client) = CreateContainerOptions(system, resolver, options);
            var container = system.ActorOf(SessionContainer.Props(containerOptions), options.ActorName ?? ActorSessionsOptions.DefaultActorName);
            registry.Register<SessionContainer>(container);
            if (containerOptions.Store is { } store)
            {
                SessionStoreLifetime.Attach(system, container, store, client.RequestTimeout);
            }
        });
        return builder;
    }

    /// <summary>The setup and HOCON of <paramref name="options"/> with the library's defaults behind them; shared with <c>WithActorSessionsCluster</c>.</summary>
    internal static void AddConfiguration(AkkaConfigurationBuilder builder, ActorSessionsOptions options)
    {
        // How the startup check tells that this actor system has the container, once, and with which options.
        builder.AddSetup(new ActorSessionsSetup(options));
        var overrides = options.ToHocon();
        if (overrides.Length > 0)
        {
            builder.AddHocon(overrides, HoconAddMode.Prepend);
        }

        builder.AddHocon(SessionSettings.DefaultConfig, HoconAddMode.Append);

        // The host stops the actor system (Akka.Hosting's hosted service) after the web server has drained
        // the requests in flight, which still need the container to commit their writes; Akka's own CLR
        // exit hook would stop it first. A default only: the application's HOCON can turn the hook back on.
        builder.AddHocon("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off", HoconAddMode.Append);

        // Akka's log with the host's (Akka.Hosting gives the actor system the host's ILoggerFactory). A
        // fallback, not ConfigureLoggers: that writes akka.loggers with Prepend, so calling it here would
        // override the application's own ConfigureLoggers whichever came first, and the application's
        // would override this one when it came after, only by luck of order. Appended, the application's
        // choice (ConfigureLoggers, its HOCON) always wins, and Akka's default (stdout) never does.
        builder.AddHocon(
            $"akka.loggers = [\"{typeof(Akka.Hosting.Logging.LoggerFactoryLogger).AssemblyQualifiedName}\"]",
            HoconAddMode.Append);
    }

    /// <summary>
    /// What a container is made of, from the actor system's configuration and <paramref name="options"/>;
    /// the store, when there is one, is created here, once. Shared with <c>WithActorSessionsCluster</c>.
    /// </summary>
    internal static (SessionContainerOptions Container, SessionClientSettings Client) CreateContainerOptions(
        Akka.Actor.ActorSystem system, Akka.DependencyInjection.IDependencyResolver resolver, ActorSessionsOptions options)
    {
        var settings = SessionSettings.Create(system.Settings.Config);
        var storeSettings = SessionStoreSettings.Create(system.Settings.Config);
        var client = SessionClientSettings.Create(system.Settings.Config);
        var time = options.TimeProvider ?? resolver.GetService<TimeProvider>() ?? TimeProvider.System;
        if (options.SessionStore is not null && client.RequestTimeout <= storeSettings.CommitTimeout * 2)
        {
            // A write waits for the commit in flight and then its own; a caller that gave up earlier
            // would report lost a write that may still be stored.
            throw new InvalidOperationException(
                $"actor-sessions.request-timeout ({client.RequestTimeout}) must be more than twice actor-sessions.store.commit-timeout ({storeSettings.CommitTimeout}), so every caller hears the verdict on its write.");
        }

        var store = options.SessionStore?.Invoke(system);
        var container = new SessionContainerOptions(settings)
        {
            TimeProvider = time,
            SessionFactory = options.SessionFactory,
            Store = store,
            StoreSettings = storeSettings,
            LoggerFactory = resolver.GetService<Microsoft.Extensions.Logging.ILoggerFactory>(),
        };
        return (container, client);
    }
}
