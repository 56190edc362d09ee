using ActorSessions.Hosting;
using ActorSessions.Server.Api;
using ActorSessions.Server.Cluster;
using ActorSessions.Server.Health;
using ActorSessions.Server.Logging;
using ActorSessions.Server.Pages;
using ActorSessions.Server.Security;
using ActorSessions.Server.Sessions;
using Akka.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorSessions.Server;

/// <summary>
/// Builds the session server: Microsoft.Extensions.Hosting with an Akka.NET actor system (Akka.Hosting)
/// that runs the session container, the ActorSessions middleware, the page at <c>/</c> and the JSON API.
/// </summary>
public static class SessionServer
{
    /// <summary>The actor system's name.</summary>
    public const string ActorSystemName = "actor-sessions-server";

    // The store check's name in /healthz; named here, not left to the library's default, because cluster mode
    // finds the registration by it.
    private const string ActorSessionsHealthCheckName = "actor-sessions";

    /// <summary>Builds the server; <c>RunAsync</c> starts it and stops it cleanly on Ctrl-C, actor system included.</summary>
    /// <param name="args">Command-line arguments: the usual .NET configuration (<c>--urls</c>, <c>--ActorSessions:Http:MaxKeys=10</c>, ...).</param>
    /// <param name="configure">Changes to the builder before it is built (the tests use it).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The content root is the binary's folder, so appsettings.json and hocon/ are found from any working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        var hoconFile = Path.Combine(builder.Environment.ContentRootPath, builder.Configuration["ActorSessions:HoconFile"] ?? "hocon/server.conf");
        builder.Services.AddAkka(ActorSystemName, akka =>
        {
            if (File.Exists(hoconFile))
            {
                akka.AddHoconFile(hoconFile, HoconAddMode.Prepend);
            }

            // WithActorSessions also sends Akka's log through Microsoft.Extensions.Logging: one log, one configuration.
            if (ServerCluster.IsEnabled(builder.Configuration))
            {
                ServerCluster.Use(akka, builder.Configuration);
            }
            else
            {
                akka.WithActorSessions(options => ServerSessionStore.Use(options, builder.Configuration));
            }
        });

        // The server does not say what it runs on.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddActorSessions(builder.Configuration.GetSection("ActorSessions:Http"));
        builder.Services.Configure<FormOptions>(FormBody.Limit);

        // Unhandled exceptions become a plain 500 problem (application/problem+json, no exception details);
        // later code can write its own problems through IProblemDetailsService, as the session middleware does.
        builder.Services.AddProblemDetails();
        var health = builder.Services.AddHealthChecks().AddActorSessions(ActorSessionsHealthCheckName);
        configure?.Invoke(builder);

        // Read after configure, from the configuration as it ends up.
        builder.Services.AddForwardedHeaders(builder.Configuration);
        if (ServerCluster.IsEnabled(builder.Configuration))
        {
            health.AddActorSessionsCluster(ServerCluster.HealthCheckName);

            // In a farm the store check asks every partition, so while a lost node's partitions move it fails
            // on every node alike, and so does a shared store that is down: Degraded (200) keeps the nodes in
            // rotation for the sessions they serve; the cluster check alone keeps a node out until it is ready.
            builder.Services.Configure<HealthCheckServiceOptions>(o =>
            {
                foreach (var registration in o.Registrations.Where(r => r.Name == ActorSessionsHealthCheckName))
                {
                    registration.FailureStatus = HealthStatus.Degraded;
                }
            });
        }

        var app = builder.Build();
        if (!File.Exists(hoconFile))
        {
            app.Logger.LogWarning("The server's HOCON file {File} was not found; the library defaults apply.", hoconFile);
        }

        // First, so everything after sees the scheme and address the browser used.
        app.UseForwardedHeaders();
        if (app.Configuration.GetValue<bool>(RequestLog.EnabledKey))
        {
            app.UseRequestLog();
        }

        app.UseSecurityHeaders();

        // Inside the headers, so an error response has them too; before everything else, so it catches all.
        // It also keeps the developer exception page, which ASP.NET Core adds in Development, from ever
        // seeing an exception.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });

        // Routing before the sessions: the page's files are short-circuited there and load no session.
        app.UseRouting();
        app.UseActorSessions();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthReportJson.WriteAsync });
        app.MapHomePage();
        app.MapPageAssets();
        app.MapSessionApi();
        app.MapStatsApi();
        return app;
    }
}
