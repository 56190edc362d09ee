using ActorSessions.AspNetCore.Tests.Support;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;

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
        await using var server = ChildApp.Start(
            "ActorSessions.Server.dll",
            $"--ActorSessions:SqlitePath={path}",

            // Every visitor comes from 127.0.0.1: the per-address limit on new sessions would refuse most.
            "--ActorSessions:Http:NewSessionsPerMinute=");
        using (var probe = new HttpClient { BaseAddress = server.Address, Timeout = Wait })
        {
            Assert.True(await server.BecomesHealthyAsync(probe), server.Tail);
        }

        var visitors = Enumerable.Range(0, Visitors).Select(_ => new Visitor(server.Address)).ToArray();
        using var stop = new CancellationTokenSource(Wait);
        var writing = visitors.Select(v => Task.Run(() => v.WriteAsync(stop.Token))).ToArray();

        // A few stored writes each, then the planned stop while they keep writing.
        while (visitors.Any(v => v.Acknowledged < 3) && !stop.IsCancellationRequested)
        {
            await Task.WhenAny(Task.WhenAll(writing), Task.Delay(20));
        }

        Assert.Equal(0, Kill(server.Process.Id, Sigterm));
        await server.Process.WaitForExitAsync().WaitAsync(Wait);
        await Task.WhenAll(writing).WaitAsync(Wait);
        Assert.Equal(0, server.Process.ExitCode);

        var restarted = new ServerFixture(builder => builder.Configuration["ActorSessions:SqlitePath"] = path);
        await restarted.InitializeAsync();
        try
        {
            foreach (var visitor in visitors)
            {
                Assert.True(visitor.Acknowledged >= 3);
                var stored = await visitor.ReadAsync(restarted.BaseAddress);

                // The last 2xx, or a later write whose answer never came (the connection closed under it).
                Assert.True(
                    stored == visitor.LastAcknowledged || visitor.Unanswered.Contains(stored ?? string.Empty),
                    $"stored {stored}, last acknowledged {visitor.LastAcknowledged}");
            }
        }
        finally
        {
            await restarted.DisposeAsync();
        }
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

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
