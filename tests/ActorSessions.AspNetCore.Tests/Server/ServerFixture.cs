using System.Net;
using ActorSessions.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>The real session server, built as <c>dotnet run</c> builds it, on 127.0.0.1 with a free port.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("actorsessions-server-").FullName;
    private readonly Action<WebApplicationBuilder>? _configure;
    private readonly Action<WebApplication>? _map;
    private WebApplication? _app;

    /// <summary>The server as <c>dotnet run</c> starts it.</summary>
    public ServerFixture()
    {
    }

    /// <summary>A server of a spec's own: <paramref name="configure"/> changes its builder, <paramref name="map"/> adds endpoints.</summary>
    internal ServerFixture(Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? map = null)
    {
        _configure = configure;
        _map = map;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public ISessionClient Container => _app!.Services.GetRequiredService<ISessionClient>();

    public async Task InitializeAsync()
    {
        // A SQLite file of its own: the server's default store, without sessions of earlier runs.
        _app = SessionServer.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration["ActorSessions:SqlitePath"] = Path.Combine(_data, "sessions.db");

            // Every visitor of the shared server comes from 127.0.0.1: the per-address limit on new sessions
            // (its own specs elsewhere) would refuse most of them.
            builder.Configuration["ActorSessions:Http:NewSessionsPerMinute"] = string.Empty;
            _configure?.Invoke(builder);
        });
        _map?.Invoke(_app);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }

    /// <summary>A client that keeps cookies like a browser: one visitor.</summary>
    public HttpClient Visitor(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
}
