using System.Net;
using ActorSessions.AspNetCore.Tests.Support;
using ActorSessions.Hosting;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>
/// AddActorSessions and UseActorSessions are all an app needs, as AddSession and UseSession: an app without
/// an actor system gets one of its own; an app that runs Akka.Hosting shares its container; configuration
/// that contradicts itself fails the start. Real Kestrel on 127.0.0.1, a free port.
/// </summary>
public sealed class AddActorSessionsSpec : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("actor-sessions-add-").FullName;

    [Fact]
    public async Task Two_lines_serve_sessions_from_an_actor_system_of_their_own()
    {
        await using var app = await StartAsync(services => services.AddActorSessions(o => o.IdleTimeout = TimeSpan.FromMinutes(20)));
        using var browser = app.Browser();

        await browser.PutAsync("/colour", new StringContent("blue"));

        Assert.Equal("blue", await browser.GetStringAsync("/colour"));
    }

    [Fact]
    public async Task The_options_of_AddActorSessions_configure_the_container_of_the_own_actor_system()
    {
        await using var app = await StartAsync(services => services.AddActorSessions(o => o.IdleTimeout = TimeSpan.FromMinutes(20)));

        var system = app.Services.GetRequiredService<ActorSystem>();

        Assert.Equal(TimeSpan.FromMinutes(20), SessionSettings.Create(system.Settings.Config).IdleTimeout);
    }

    [Fact]
    public async Task A_sqlite_store_chosen_on_the_web_options_keeps_sessions_across_a_restart()
    {
        var path = Path.Combine(_directory, "sessions.db");
        var cookies = new CookieContainer();
        await using (var first = await StartAsync(services => services.AddActorSessions(o => o.UseSqliteStore(s => s.Path = path))))
        {
            using var browser = first.Browser(cookies);
            Assert.Equal(HttpStatusCode.OK, (await browser.PutAsync("/colour", new StringContent("blue"))).StatusCode);
        }

        await using var second = await StartAsync(services => services.AddActorSessions(o => o.UseSqliteStore(s => s.Path = path)));
        using var again = second.Browser(cookies);

        Assert.Equal("blue", await again.GetStringAsync("/colour"));
    }

    [Fact]
    public async Task A_planned_stop_lets_a_request_in_flight_commit_before_the_own_actor_system_stops()
    {
        var path = Path.Combine(_directory, "sessions.db");
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cookies = new CookieContainer();
        var first = await StartAsync(
            services => services.AddActorSessions(o => o.UseSqliteStore(s => s.Path = path)),
            app => app.MapPut("/slow", async (HttpContext http) =>
            {
                http.Session.SetString("colour", "late");
                entered.SetResult();
                await release.Task;
            }));
        using var browser = first.Browser(cookies);
        var put = browser.PutAsync("/slow", content: null);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var stopping = first.DisposeAsync().AsTask();
        await Task.Delay(300);
        release.SetResult();
        var response = await put;
        await stopping;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var second = await StartAsync(services => services.AddActorSessions(o => o.UseSqliteStore(s => s.Path = path)));
        using var again = second.Browser(cookies);
        Assert.Equal("late", await again.GetStringAsync("/colour"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_app_with_its_own_actor_system_shares_its_one_container_with_the_middleware(bool addAkkaFirst)
    {
        await using var app = await StartAsync(services =>
        {
            if (addAkkaFirst)
            {
                services.AddAkka("my-app", akka => akka.WithActorSessions());
                services.AddActorSessions();
            }
            else
            {
                services.AddActorSessions();
                services.AddAkka("my-app", akka => akka.WithActorSessions());
            }
        });
        var client = app.Services.GetRequiredService<ISessionClient>();
        var opened = await client.OpenAsync();
        await client.SaveAsync(opened.Session.SetString("colour", "green"));
        using var raw = app.Raw();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/colour");
        request.Headers.Add("Cookie", $"{ActorSessionsHttpOptions.DefaultCookieName}={opened.Session.Id}");

        var answer = await (await raw.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Equal("green", answer);
        Assert.Equal("my-app", app.Services.GetRequiredService<ActorSystem>().Name);
    }

    [Fact]
    public async Task Container_options_given_to_both_AddActorSessions_and_WithActorSessions_fail_the_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(services =>
        {
            services.AddAkka("my-app", akka => akka.WithActorSessions(o => o.IdleTimeout = TimeSpan.FromMinutes(5)));
            services.AddActorSessions(o => o.IdleTimeout = TimeSpan.FromMinutes(20));
        }));

        Assert.Contains("were given to AddActorSessions, but the app's own actor system runs the container", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_apps_actor_system_without_the_container_fails_the_start_saying_to_add_WithActorSessions()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(services =>
        {
            services.AddAkka("my-app", akka => akka.AddHocon("akka.loglevel = OFF", HoconAddMode.Prepend));
            services.AddActorSessions();
        }));

        Assert.Contains("has no .WithActorSessions(); add it", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Akka_logs_of_the_own_actor_system_reach_the_hosts_logger_provider()
    {
        await using var app = await StartAsync(services => services.AddActorSessions());

        app.Services.GetRequiredService<ActorSystem>().Log.Warning("own-system marker {0}", 7);

        await AwaitLogAsync(app.Logs, "own-system marker 7");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task AwaitLogAsync(RecordingLoggerProvider logs, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!logs.Entries.Any(e => e.Message.Contains(text, StringComparison.Ordinal)))
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>An app with <paramref name="services"/>, UseActorSessions and an endpoint that reads and writes one key.</summary>
    private static async Task<App> StartAsync(Action<IServiceCollection> services, Action<WebApplication>? endpoints = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var logs = new RecordingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs);
        services(builder.Services);

        var app = builder.Build();
        app.UseActorSessions();
        app.MapGet("/colour", (HttpContext http) => http.Session.GetString("colour") ?? "");
        app.MapPut("/colour", async (HttpContext http) =>
        {
            using var body = new StreamReader(http.Request.Body);
            http.Session.SetString("colour", await body.ReadToEndAsync());
        });
        endpoints?.Invoke(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new App(app, new Uri(address), logs);
    }

    private sealed class App(WebApplication app, Uri address, RecordingLoggerProvider logs) : IAsyncDisposable
    {
        public IServiceProvider Services => app.Services;

        public RecordingLoggerProvider Logs => logs;

        public HttpClient Browser(CookieContainer? cookies = null) =>
            new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), UseCookies = true }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };

        public HttpClient Raw() =>
            new(new HttpClientHandler { UseCookies = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
