// The flood figures: does a flood of throwaway sessions log out users who came back?
//
//   dotnet run -c Release --project tests/ActorSessions.Benchmarks.Flood -- [--max-sessions 20000]
//        [--victims 200] [--flood 100000] [--seconds 40] [--addresses 250] [--connections 32] [--rate-limit on|off]
//
// Starts the real session server in this process on 127.0.0.1 (SQLite in a temp folder, max-sessions as
// given), lets `victims` visitors make two requests each (a write, then a read: users who came back), then
// floods it with cookie-less writes, each of which would create a session, from `addresses` loopback
// addresses (127.0.1.x ...: all of 127.0.0.0/8 is this machine), bounded by count and time. Meanwhile a probe
// visitor keeps using its own session. Afterwards every victim reads its session back. Reports how many
// victims kept their session, what the flood got (2xx, 429, 503), sessions created and evicted, and the
// probe's latency. Traffic goes to 127.0.0.1 only; the server stops with the run.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ActorSessions;
using ActorSessions.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var maxSessions = Arg("--max-sessions", 20_000);
var victims = Arg("--victims", 200);
var floodCount = Arg("--flood", 100_000);
var seconds = Arg("--seconds", 40);
var addresses = Math.Clamp(Arg("--addresses", 250), 1, 250 * 250);
var connections = Arg("--connections", 32);
var rateLimit = (ArgString("--rate-limit") ?? "on") == "on";

var data = Directory.CreateTempSubdirectory("actorsessions-flood-").FullName;
var hocon = Path.Combine(data, "flood.conf");
var serverConf = Path.Combine(AppContext.BaseDirectory, "hocon", "server.conf");
await File.WriteAllTextAsync(hocon, (File.Exists(serverConf) ? await File.ReadAllTextAsync(serverConf) : string.Empty)
    + $"\nactor-sessions.max-sessions = {maxSessions}\n");

var serverArgs = new List<string>
{
    "--urls", "http://127.0.0.1:0",
    $"--ActorSessions:HoconFile={hocon}",
    $"--ActorSessions:SqlitePath={Path.Combine(data, "sessions.db")}",
};
if (!rateLimit)
{
    serverArgs.Add("--ActorSessions:Http:NewSessionsPerMinute=");
}

// The server's own log would measure the console, not the server.
var app = SessionServer.Build([.. serverArgs], builder => builder.Logging.ClearProviders());
await app.StartAsync();
var baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
var container = app.Services.GetRequiredService<ISessionClient>();
Console.WriteLine($"# Flood — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, max-sessions {maxSessions}, {victims} victims, flood of {floodCount} in at most {seconds} s from {addresses} addresses over {connections} connections, rate limit {(rateLimit ? "on" : "off")}");

try
{
    // Victims: a write, then a read with the cookie it got.
    // Each from an address of its own (127.1.x.y), as users are, apart from the flood's (127.0.x.y).
    var victimClients = Enumerable.Range(0, victims).Select(i => Visitor(baseAddress, new IPAddress([127, 1, (byte)(i / 250), (byte)(1 + i % 250)]))).ToArray();
    for (var i = 0; i < victims; i++)
    {
        (await victimClients[i].PutAsync("/api/session/data/who", new StringContent($"victim-{i}"))).EnsureSuccessStatusCode();
        (await victimClients[i].GetAsync("/api/session")).EnsureSuccessStatusCode();
    }

    var probe = Visitor(baseAddress, IPAddress.Loopback);
    (await probe.PutAsync("/api/session/data/who", new StringContent("probe"))).EnsureSuccessStatusCode();
    var before = await container.GetStatsAsync();

    // The flood: cookie-less writes, each of which would create a session, spread over many client addresses.
    var floodClients = Enumerable.Range(0, connections).Select(c => Flooder(baseAddress, connections, addresses, c)).ToArray();
    var statuses = new Dictionary<int, long>();
    var sent = 0L;
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    var clock = Stopwatch.StartNew();
    var flood = Task.WhenAll(floodClients.Select(async clients =>
    {
        var local = new Dictionary<int, long>();
        var n = 0;
        while (!stop.IsCancellationRequested && Interlocked.Increment(ref sent) <= floodCount)
        {
            var client = clients[n++ % clients.Length];
            try
            {
                using var response = await client.PutAsync("/api/session/data/x", new StringContent("flood"), stop.Token);
                local[(int)response.StatusCode] = local.GetValueOrDefault((int)response.StatusCode) + 1;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (HttpRequestException)
            {
                local[0] = local.GetValueOrDefault(0) + 1;
            }
        }

        lock (statuses)
        {
            foreach (var (status, count) in local)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + count;
            }
        }
    }));

    // The probe: one user going on with its session meanwhile.
    var probeTimes = new List<double>();
    var probeFailures = 0;
    while (!flood.IsCompleted)
    {
        var started = Stopwatch.GetTimestamp();
        var ok = (await probe.GetAsync("/api/session")).IsSuccessStatusCode;
        probeTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        probeFailures += ok ? 0 : 1;
        await Task.WhenAny(flood, Task.Delay(100));
    }

    await flood;
    var elapsed = clock.Elapsed;
    var after = await container.GetStatsAsync();

    var survived = 0;
    for (var i = 0; i < victims; i++)
    {
        var session = await victimClients[i].GetFromJsonAsync<JsonElement>("/api/session");
        if (session.GetProperty("data").TryGetProperty("who", out var who) && who.GetString() == $"victim-{i}")
        {
            survived++;
        }
    }

    probeTimes.Sort();
    var floodTotal = statuses.Values.Sum();
    Console.WriteLine();
    Console.WriteLine("| figure | value |");
    Console.WriteLine("|---|---|");
    Console.WriteLine($"| victims (two requests each) that kept their session | **{survived} of {victims}** |");
    Console.WriteLine($"| flood requests, per second | {floodTotal:N0} in {elapsed.TotalSeconds:0.0} s, {floodTotal / elapsed.TotalSeconds:N0}/s |");
    Console.WriteLine($"| flood answers | {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "transport error" : s.Key.ToString(CultureInfo.InvariantCulture))}: {s.Value:N0}"))} |");
    Console.WriteLine($"| sessions created during the flood | {after.Created - before.Created:N0} |");
    Console.WriteLine($"| sessions evicted during the flood | {after.Evicted - before.Evicted:N0} |");
    Console.WriteLine($"| sessions held after it | {after.Count:N0} (max {maxSessions:N0}) |");
    Console.WriteLine($"| probe user: requests, failures, p50 / p99 / max | {probeTimes.Count}, {probeFailures}, {Percentile(0.50):0.0} / {Percentile(0.99):0.0} / {(probeTimes.Count > 0 ? probeTimes[^1] : 0):0.0} ms |");

    double Percentile(double p) => probeTimes.Count == 0 ? 0 : probeTimes[(int)Math.Min(probeTimes.Count - 1, Math.Floor(p * probeTimes.Count))];
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
    Directory.Delete(data, recursive: true);
}

// A visitor with its own cookies, connecting from the given loopback address.
static HttpClient Visitor(Uri baseAddress, IPAddress from) =>
    new(Handler(from, new CookieContainer())) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

// Flooders keep no cookies: every request comes as a stranger's. Each connection's requests rotate over its share of addresses.
static HttpClient[] Flooder(Uri baseAddress, int connections, int addresses, int connection)
{
    var mine = Enumerable.Range(0, addresses).Where(a => a % connections == connection).DefaultIfEmpty(connection % addresses);
    return mine.Select(a => new HttpClient(Handler(new IPAddress([127, 0, (byte)(1 + a / 250), (byte)(1 + a % 250)]), null))
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    }).ToArray();
}

static SocketsHttpHandler Handler(IPAddress from, CookieContainer? cookies) => new()
{
    UseCookies = cookies is not null,
    CookieContainer = cookies ?? new CookieContainer(),
    MaxConnectionsPerServer = 1,
    ConnectCallback = async (context, token) =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(context.DnsEndPoint, token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    },
};

int Arg(string name, int fallback) => ArgString(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

string? ArgString(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
