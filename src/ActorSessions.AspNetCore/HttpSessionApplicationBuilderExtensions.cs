using ActorSessions;
using ActorSessions.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// Beside ASP.NET Core's own UseSession, so no extra using is needed.
namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the ActorSessions middleware to a pipeline.</summary>
public static class HttpSessionApplicationBuilderExtensions
{
    /// <summary>
    /// Serves <c>HttpContext.Session</c> from the session container for every request behind this point.
    /// Needs <see cref="HttpSessionServiceCollectionExtensions.AddActorSessions(IServiceCollection, Action{ActorSessionsHttpOptions}?)"/>.
    /// Put it before the endpoints that use the session, where ASP.NET Core's <c>UseSession</c> would go.
    /// </summary>
    public static IApplicationBuilder UseActorSessions(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        if (services.GetService<IServiceProviderIsService>() is { } registered && !registered.IsService(typeof(ISessionClient)))
        {
            throw new InvalidOperationException("UseActorSessions needs builder.Services.AddActorSessions(), as UseSession needs AddSession.");
        }

        // The client is resolved at the first request: the container starts with the host, after the pipeline is built.
        var client = new Lazy<ISessionClient>(services.GetRequiredService<ISessionClient>);
        var options = services.GetRequiredService<IOptions<ActorSessionsHttpOptions>>().Value;
        var logger = services.GetRequiredService<ILogger<HttpSession>>();
        var newSessions = NewSessionRateLimiter.Create(options);
        var problems = services.GetService<IProblemDetailsService>();
        return app.Use(next => new HttpSessionMiddleware(next, client, options, logger, newSessions, problems).InvokeAsync);
    }
}
