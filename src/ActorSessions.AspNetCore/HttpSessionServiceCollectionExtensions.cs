using ActorSessions.Hosting;
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
    /// <c>WithActorSessions</c> starts (an <see cref="ISessionClient"/> registered before is kept).
    /// </summary>
    public static IServiceCollection AddActorSessions(this IServiceCollection services, Action<ActorSessionsHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ActorSessionsHttpOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActorSessionsHttpOptions>, ActorSessionsHttpOptionsValidator>());
        services.AddActorSessionsClient();
        return services;
    }
}
