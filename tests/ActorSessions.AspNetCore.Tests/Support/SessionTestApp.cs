using System.Net;
using System.Security.Cryptography.X509Certificates;
using ActorSessions.Hosting;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore.Tests.Support;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a free port, an actor system with the session container, the
/// ActorSessions middleware and the endpoints a spec maps. No TestHost: requests go over real sockets.
/// </summary>
internal sealed class SessionTestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SessionTestApp(WebApplication app, Uri baseAddress, RecordingLoggerProvider logs)
    {
        _app = app;
        BaseAddress = baseAddress;
        Logs = logs;
    }

    public Uri BaseAddress { get; }

    public RecordingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The container, asked directly, to check what was stored.</summary>
    public ISessionClient Container => _app.Services.GetRequiredService<ISessionClient>();

    public static async Task<SessionTestApp> StartAsync(
        Action<IEndpointRouteBuilder> endpoints,
        Action<ActorSessionsHttpOptions>? options = null,
        Action<ActorSessionsOptions>? container = null,
        Action<IServiceCollection>? services = null,
        Action<IApplicationBuilder>? outer = null,
        X509Certificate2? https = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (https is not null)
            {
                listen.UseHttps(https);
            }
        }));

        var logs = new RecordingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddAkka("spec-" + Guid.NewGuid().ToString("N")[..8], akka => akka
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithActorSessions(o =>
            {
                o.CleanupInterval = TimeSpan.FromHours(1);
                container?.Invoke(o);
            }));

        // Before AddActorSessions, so a spec's own ISessionClient is the one the middleware gets.
        services?.Invoke(builder.Services);
        builder.Services.AddActorSessions(options);

        var app = builder.Build();
        outer?.Invoke(app);
        app.UseActorSessions();
        endpoints(app);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new SessionTestApp(app, new Uri(address), logs);
    }

    /// <summary>A client that keeps cookies like a browser.</summary>
    public HttpClient Browser(CookieContainer? cookies = null) =>
        new(new HttpClientHandler
        {
            CookieContainer = cookies ?? new CookieContainer(),
            UseCookies = true,
            AllowAutoRedirect = false,
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>A client that sends only the cookies a spec puts on a request, and shows every Set-Cookie.</summary>
    public HttpClient Raw() =>
        new(new HttpClientHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
