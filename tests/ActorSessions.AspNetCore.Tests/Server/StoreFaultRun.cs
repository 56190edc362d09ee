using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorSessions.AspNetCore.Tests.Support;
using ActorSessions.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>
/// Visitors write to the real server over HTTP while a store fault is injected and removed; then the server
/// is stopped, a fresh one is started on the same store, and every session must hold the last value that was
/// answered 2xx. A refused write changes nothing, so a later refused value must not be there either; only a
/// value whose request got no answer at all may be.
/// </summary>
internal static class StoreFaultRun
{
    public const int Visitors = 20;
    private const string Key = "n";

    // Bounds, not timings: a visitor stops after this many writes, and every phase ends after this wait.
    private const int MaxWritesPerVisitor = 3000;
    private static readonly TimeSpan PhaseWait = TimeSpan.FromSeconds(30);

    // How long the fault lasts at least, once every visitor was refused: several probes of the store fail.
    private static readonly TimeSpan FaultWindow = TimeSpan.FromSeconds(3);

    // Between two writes of one visitor; it keeps 20 visitors from saturating two cores with refusals.
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The server's own HOCON plus test settings: a probe of the recovered store at most a second apart
    /// (instead of 10 s), so the writes resume soon after the fault is removed.
    /// </summary>
    public static async Task<WebApplication> StartServer(string directory, IReadOnlyDictionary<string, string> configuration, string hocon = "")
    {
        var hoconFile = Path.Combine(directory, "server.conf");
        var serverHocon = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "hocon", "server.conf"));
        await File.WriteAllTextAsync(hoconFile, $"{serverHocon}\nactor-sessions.store.max-backoff = 1s\n{hocon}\n");
        var app = SessionServer.Build(["--urls", "http://127.0.0.1:0", $"--ActorSessions:HoconFile={hoconFile}"], builder =>
        {
            builder.Logging.ClearProviders();
            foreach (var (key, value) in configuration)
            {
                builder.Configuration[key] = value;
            }
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>Runs the visitors through the fault, restarts the server and asserts that no 2xx answer was lost.</summary>
    /// <param name="start">Starts a server on the store; called twice, for the run and for the check after it.</param>
    /// <param name="inject">Injects the fault; writes go on meanwhile.</param>
    /// <param name="remove">Removes it again.</param>
    /// <param name="value">The value of a visitor's <c>n</c>-th write; it must start with <c>n:</c>.</param>
    public static async Task<string> RunAsync(Func<Task<WebApplication>> start, Func<Task> inject, Func<Task> remove, Func<int, string>? value = null)
    {
        value ??= n => n.ToString(CultureInfo.InvariantCulture) + ":";
        var visitors = new Visitor[Visitors];
        var clock = Stopwatch.StartNew();
        var faultShown = false;
        var recovered = false;
        var app = await start();
        try
        {
            var address = BaseAddress(app);
            for (var i = 0; i < visitors.Length; i++)
            {
                visitors[i] = new Visitor(i, address, value);
            }

            using var stop = new CancellationTokenSource();
            var writing = visitors.Select(v => Task.Run(() => v.WriteAsync(stop.Token))).ToArray();
            try
            {
                Assert.True(await Within(() => visitors.All(v => v.Acknowledged >= 3)), "Before the fault, not every visitor had writes stored.");

                var refusedBefore = visitors.Select(v => v.Refused).ToArray();
                var injected = Stopwatch.StartNew();
                await inject();
                faultShown = await Within(() => visitors.All(v => v.Refused > refusedBefore[v.Index]) && injected.Elapsed >= FaultWindow);

                var acknowledgedBefore = visitors.Select(v => v.Acknowledged).ToArray();
                await remove();
                recovered = await Within(() => visitors.All(v => v.Acknowledged >= acknowledgedBefore[v.Index] + 2));
            }
            finally
            {
                // Each visitor finishes the write it has in flight, so its answer is known.
                await stop.CancelAsync();
                await Task.WhenAll(writing).WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
        finally
        {
            foreach (var visitor in visitors)
            {
                visitor?.Dispose();
            }

            await app.StopAsync();
            await app.DisposeAsync();
        }

        await using var restarted = await start();
        using var reader = new HttpClient { BaseAddress = BaseAddress(restarted), Timeout = TimeSpan.FromSeconds(30) };
        var lost = new List<string>();
        foreach (var visitor in visitors)
        {
            var stored = await visitor.StoredValue(reader);
            if (!visitor.MayHaveStored(stored))
            {
                lost.Add(visitor.Describe(stored));
            }
        }

        await restarted.StopAsync();

        var unexpected = visitors.SelectMany(v => v.Unexpected).ToList();
        var refused = visitors.Sum(v => v.Refused);
        Assert.True(lost.Count == 0, $"{lost.Count} of {Visitors} sessions do not hold their last acknowledged write after a restart ({refused} writes were refused in all):\n{string.Join("\n", lost)}");
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} refusals were not 503 with Retry-After: {string.Join("; ", unexpected.Take(10))}");
        Assert.True(faultShown, $"The fault did not show within {PhaseWait.TotalSeconds} s: {visitors.Count(v => v.Refused == 0)} of {Visitors} visitors never had a write refused, so nothing was tested.");
        Assert.True(recovered, $"Writes were not stored again within {PhaseWait.TotalSeconds} s of removing the fault.");

        return $"{visitors.Sum(v => v.Acknowledged)} writes answered 2xx, {refused} refused with 503, " +
            $"{visitors.Sum(v => v.Unanswered.Count)} unanswered; {clock.Elapsed.TotalSeconds:F1} s";
    }

    private static Uri BaseAddress(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    /// <summary>Polls the condition until it holds (true) or <see cref="PhaseWait"/> has passed (false).</summary>
    private static async Task<bool> Within(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed >= PhaseWait)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>One browser: its own cookies, one write at a time, each answer recorded.</summary>
    private sealed class Visitor : IDisposable
    {
        private readonly int _index;
        private readonly Uri _address;
        private readonly Func<int, string> _value;
        private readonly CookieContainer _cookies = new();
        private readonly HttpClient _client;
        private int _acknowledged;
        private int _refused;

        public Visitor(int index, Uri address, Func<int, string> value)
        {
            _index = index;
            _address = address;
            _value = value;
            _client = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false })
            {
                BaseAddress = address,
                Timeout = TimeSpan.FromSeconds(30),
            };
        }

        public int Index => _index;

        /// <summary>How many writes were answered 2xx.</summary>
        public int Acknowledged => Volatile.Read(ref _acknowledged);

        /// <summary>How many writes were answered with an error status.</summary>
        public int Refused => Volatile.Read(ref _refused);

        /// <summary>The number of the last write answered 2xx; 0 for none.</summary>
        public int LastAcknowledged { get; private set; }

        /// <summary>Writes refused after the last acknowledged one.</summary>
        public List<int> RefusedSince { get; } = [];

        /// <summary>Writes whose request failed without an answer (the connection broke): they may or may not be stored.</summary>
        public List<int> Unanswered { get; } = [];

        /// <summary>Refusals that were not 503 with Retry-After.</summary>
        public List<string> Unexpected { get; } = [];

        public string? SessionId { get; private set; }

        public async Task WriteAsync(CancellationToken stop)
        {
            for (var n = 1; n <= MaxWritesPerVisitor && !stop.IsCancellationRequested; n++)
            {
                try
                {
                    using var response = await _client.PutAsync($"/api/session/data/{Key}", new StringContent(_value(n)), CancellationToken.None);
                    if (response.IsSuccessStatusCode)
                    {
                        LastAcknowledged = n;
                        RefusedSince.Clear();
                        Interlocked.Increment(ref _acknowledged);
                    }
                    else
                    {
                        RefusedSince.Add(n);
                        if (response.StatusCode != HttpStatusCode.ServiceUnavailable || response.Headers.RetryAfter is null)
                        {
                            Unexpected.Add($"visitor {_index} write {n}: {(int)response.StatusCode}, Retry-After {response.Headers.RetryAfter?.ToString() ?? "missing"}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                        }

                        Interlocked.Increment(ref _refused);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Unanswered.Add(n);
                }

                await Task.Delay(Pace, CancellationToken.None);
            }

            SessionId = _cookies.GetCookies(_address)[Cookies.Name]?.Value;
        }

        /// <summary>The value a fresh server has for this visitor's session, or null when it has no such session or key.</summary>
        public async Task<string?> StoredValue(HttpClient reader)
        {
            Assert.True(SessionId is not null, $"visitor {_index} has no session cookie");
            using var response = await reader.GetAsync("/api/session", SessionId);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (body.GetProperty("isNew").GetBoolean())
            {
                return null;
            }

            return body.GetProperty("data").TryGetProperty(Key, out var stored) ? stored.GetString() : null;
        }

        /// <summary>The last acknowledged value, or one written after it whose answer never came.</summary>
        public bool MayHaveStored(string? stored) =>
            stored == _value(LastAcknowledged) || Unanswered.Any(n => n > LastAcknowledged && stored == _value(n));

        public string Describe(string? stored)
        {
            var prefix = stored?.Split(':')[0];
            var refused = prefix is not null && int.TryParse(prefix, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && RefusedSince.Contains(n)
                ? " (a write that was refused)"
                : string.Empty;
            return $"visitor {_index}: write {LastAcknowledged} was the last answered 2xx, the restarted server has " +
                $"{(stored is null ? "no session or no value" : $"write {prefix}{refused}")}; refused after it: [{string.Join(", ", RefusedSince.Take(20))}{(RefusedSince.Count > 20 ? ", ..." : string.Empty)}], unanswered: [{string.Join(", ", Unanswered)}]";
        }

        public void Dispose() => _client.Dispose();
    }
}
