using ActorSessions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ActorSessions.AspNetCore;

/// <summary>DI registrations of the ActorSessions middleware.</summary>
public static class HttpSessionServiceCollectionExtensions
{
    /// <summary>
    /// Registers what <see cref="HttpSessionApplicationBuilderExtensions.UseActorSessions"/> needs: its
    /// <see cref="ActorSessionsHttpOptions"/> and an <see cref="ISessionClient"/> over the container that
    /// <c>WithActorSessions</c> starts (an <see cref="ISessionClient"/> registered before is kept). Options
    /// that cannot work fail the host's start, with the option and the reason.
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
    /// with keys such as <c>IOTimeout</c>, <c>MaxKeys</c>, <c>NewSessionsPerMinute</c> and
    /// <c>Cookie:SecurePolicy</c>; <paramref name="configure"/> runs after the binding.
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

        // Checked when the host starts, not at the first request.
        return services.AddOptions<ActorSessionsHttpOptions>().ValidateOnStart();
    }
}
