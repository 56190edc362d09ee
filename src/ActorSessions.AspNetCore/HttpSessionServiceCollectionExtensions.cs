using ActorSessions;
using ActorSessions.AspNetCore;
using ActorSessions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// Beside ASP.NET Core's own AddSession, so no extra using is needed.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>DI registrations of the ActorSessions middleware.</summary>
public static class HttpSessionServiceCollectionExtensions
{
    /// <summary>
    /// Registers what <see cref="HttpSessionApplicationBuilderExtensions.UseActorSessions"/> needs, as
    /// <c>AddSession</c> does: its <see cref="ActorSessionsHttpOptions"/>, an <see cref="ISessionClient"/>
    /// (one registered before is kept) and the session container. When the app has no actor system of its
    /// own (no <c>AddAkka</c>), an actor system with the container is started for it, with
    /// <see cref="ActorSessionsHttpOptions.Container"/> (sessions in memory unless a store is chosen, e.g.
    /// <c>o.UseSqliteStore()</c>); an app that runs Akka.Hosting keeps the container of its
    /// <c>WithActorSessions</c>, shared by the middleware and everything else. Options that cannot work, or
    /// the container's options given both here and to <c>WithActorSessions</c>, fail the host's start with
    /// what to change.
    /// </summary>
    public static IServiceCollection AddActorSessions(this IServiceCollection services, Action<ActorSessionsHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = Register(services);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }

    /// <summary>
    /// As <see cref="AddActorSessions(IServiceCollection, Action{ActorSessionsHttpOptions}?)"/>, with the
    /// options bound from <paramref name="configuration"/> (an <c>appsettings.json</c> section, the
    /// environment, the command line), e.g. <c>builder.Configuration.GetSection("ActorSessions:Http")</c>
    /// with keys such as <c>IdleTimeout</c>, <c>IOTimeout</c>, <c>MaxKeys</c>, <c>NewSessionsPerMinute</c>,
    /// <c>Cookie:SecurePolicy</c> and <c>Container:MaxSessions</c>; <paramref name="configure"/> runs after the binding.
    /// </summary>
    public static IServiceCollection AddActorSessions(this IServiceCollection services, IConfiguration configuration, Action<ActorSessionsHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = Register(services).Bind(configuration);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services;
    }

    private static OptionsBuilder<ActorSessionsHttpOptions> Register(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActorSessionsHttpOptions>, ActorSessionsHttpOptionsValidator>());
        services.AddActorSessionsClient();
        OwnActorSystem.AddUnlessTheAppHasOne(services, sp => sp.GetRequiredService<IOptions<ActorSessionsHttpOptions>>().Value.Container);

        // Checked when the host starts, not at the first request.
        return services.AddOptions<ActorSessionsHttpOptions>().ValidateOnStart();
    }
}
