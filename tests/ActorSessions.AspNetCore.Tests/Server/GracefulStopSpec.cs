using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using ActorSessions.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>
/// A planned stop (SIGTERM) of the server while visitors write: the requests in flight are drained, their
/// writes committed, and the actor system stopped only after that, by the library's hosting defaults (the
/// server's HOCON no longer turns Akka's CLR exit hook off itself). Every write answered 2xx is there after
/// a restart. The server runs as a child process on 127.0.0.1 and is stopped by its id.
/// </summary>
public sealed class GracefulStopSpec : IDisposable
{
    private const int Visitors = 20;
    private const int MaxWritesPerVisitor = 3000;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly string _data = Directory.CreateTempSubdirectory("actorsessions-sigterm-").FullName;

    [Fact]
    public async Task After_a_sigterm_under_load_every_write_answered_2xx_is_there_after_a_restart()
    {
        var path = Path.Combine(_data, "sessions.db");
        var port = FreePort();
        using var server = StartChild(port, path);
        var address = new Uri($"http://127.0.0.1:{port}");
        try
        {
            await UntilHealthy(address);
            var visitors = Enumerable.Range(0, Visitors).Select(_ => new Visitor(address)).ToArray();
            using var stop = new CancellationTokenSource(Wait);
            var writing = visitors.Select(v => Task.Run(() => v.WriteAsync(stop.Token))).ToArray();

            // A few stored writes each, then the planned stop while they keep writing.
            while (visitors.Any(v => v.Acknowledged < 3) && !stop.IsCancellationRequested)
            {
                await Task.WhenAny(Task.WhenAll(writing), Task.Delay(20));
            }

            Assert.Equal(0, Kill(server.Id, Sigterm));
            await server.WaitForExitAsync().WaitAsync(Wait);
            await Task.WhenAll(writing).WaitAsync(Wait);
            Assert.Equal(0, server.ExitCode);

            await using var restarted = await StartInProcess(path);
            var restartedAddress = new Uri(restarted.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            foreach (var visitor in visitors)
            {
                Assert.True(visitor.Acknowledged >= 3);
                var stored = await visitor.ReadAsync(restartedAddress);

                // The last 2xx, or a later write whose answer never came (the connection closed under it).
                Assert.True(
                    stored == visitor.LastAcknowledged || visitor.Unanswered.Contains(stored ?? string.Empty),
                    $"stored {stored}, last acknowledged {visitor.LastAcknowledged}");
            }

            await restarted.StopAsync();
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Process StartChild(int port, string databasePath)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ActorSessions.Server.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.ArgumentList.Add($"--ActorSessions:SqlitePath={databasePath}");

        // Every visitor comes from 127.0.0.1: the per-address limit on new sessions would refuse most.
        start.ArgumentList.Add("--ActorSessions:Http:NewSessionsPerMinute=");
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task UntilHealthy(Uri address)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await client.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (deadline.Elapsed < Wait)
            {
            }
            catch (TaskCanceledException) when (deadline.Elapsed < Wait)
            {
            }

            Assert.True(deadline.Elapsed < Wait, "the server did not become healthy");
            await Task.Delay(100);
        }
    }

    private static async Task<WebApplication> StartInProcess(string databasePath)
    {
        var app = SessionServer.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration["ActorSessions:SqlitePath"] = databasePath;
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>One visitor writing increasing values to its own session until the server goes away.</summary>
    private sealed class Visitor(Uri address)
    {
        private readonly CookieContainer _cookies = new();

        public int Acknowledged { get; private set; }

        public string? LastAcknowledged { get; private set; }

        public HashSet<string> Unanswered { get; } = [];

        public async Task WriteAsync(CancellationToken cancellationToken)
        {
            using var client = new HttpClient(new HttpClientHandler { CookieContainer = _cookies }) { BaseAddress = address, Timeout = Wait };
            for (var n = 1; n <= MaxWritesPerVisitor && !cancellationToken.IsCancellationRequested; n++)
            {
                var value = n.ToString(CultureInfo.InvariantCulture);
                try
                {
                    using var response = await client.PutAsync("/api/session/data/n", new StringContent(value), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        Acknowledged++;
                        LastAcknowledged = value;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The server stopped taking requests: this one may or may not have been handled.
                    Unanswered.Add(value);
                    return;
                }
            }
        }

        public async Task<string?> ReadAsync(Uri restarted)
        {
            using var client = new HttpClient(new HttpClientHandler { CookieContainer = CopyFor(restarted) }) { BaseAddress = restarted, Timeout = Wait };
            var session = await client.GetFromJsonAsync<JsonElement>("/api/session");
            return session.GetProperty("data").TryGetProperty("n", out var n) ? n.GetString() : null;
        }

        // The restarted server listens on another port; cookies do not care about ports, but the container is per URI.
        private CookieContainer CopyFor(Uri restarted)
        {
            var copy = new CookieContainer();
            foreach (Cookie cookie in _cookies.GetCookies(address))
            {
                copy.Add(restarted, new Cookie(cookie.Name, cookie.Value, "/"));
            }

            return copy;
        }
    }
}
