using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ActorSessions.AspNetCore.Tests.Support;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>
/// Several session servers (<c>dotnet ActorSessions.Server.dll</c>) in cluster mode on 127.0.0.1, with ports
/// from the OS, over one schema of the throwaway PostgreSQL, the first node the seed of every other. Each is
/// a child process, stopped by its id when the farm is disposed; every wait is bounded.
/// </summary>
internal sealed class ServerFarm : IAsyncDisposable
{
    private readonly string _hoconFile;
    private readonly ChildApp?[] _nodes;
    private readonly int[] _clusterPorts;
    private readonly HttpClient[] _clients;

    private ServerFarm(int nodes, string hoconFile)
    {
        _hoconFile = hoconFile;
        _nodes = new ChildApp?[nodes];
        _clusterPorts = [.. Enumerable.Range(0, nodes).Select(_ => ChildApp.FreePort())];
        _clients = new HttpClient[nodes];
    }

    public int Count => _nodes.Length;

    /// <summary>Node <paramref name="node"/>'s Akka address, as its <c>/healthz</c> and the partitions' figures name it.</summary>
    public string AddressOf(int node) => $"akka.tcp://actor-sessions-server@127.0.0.1:{_clusterPorts[node]}";

    /// <summary>
    /// Starts <paramref name="nodes"/> servers at once over <paramref name="schema"/>, with the server's own
    /// HOCON followed by <paramref name="hocon"/> and the .NET configuration <paramref name="configuration"/>
    /// (<c>Key=value</c>), and waits until every node is ready with all of them members.
    /// </summary>
    public static async Task<ServerFarm> StartAsync(int nodes, string schema, string directory, TimeSpan within, string hocon = "", params string[] configuration)
    {
        var hoconFile = Path.Combine(directory, "server.conf");
        var serverHocon = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "hocon", "server.conf"));
        await File.WriteAllTextAsync(hoconFile, $"{serverHocon}\nactor-sessions.store.postgresql.schema = \"{schema}\"\n{hocon}\n");
        var farm = new ServerFarm(nodes, hoconFile);
        try
        {
            for (var i = 0; i < nodes; i++)
            {
                farm.Start(i, configuration);
            }

            await farm.UntilReadyAsync(within, Enumerable.Range(0, nodes).ToArray());
            return farm;
        }
        catch
        {
            await farm.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client for node <paramref name="node"/> that sends only the cookies a spec gives it.</summary>
    public HttpClient Client(int node) => _clients[node];

    /// <summary>SIGKILL of node <paramref name="node"/>, by its process id: no leave, no hand-off, no flush.</summary>
    public void Kill(int node)
    {
        var app = _nodes[node] ?? throw new InvalidOperationException($"Node {node} is not running.");
        app.Process.Kill(entireProcessTree: false);
        Assert.True(app.Process.WaitForExit(TimeSpan.FromSeconds(10)), $"node {node} (pid {app.Process.Id}) did not exit on SIGKILL");
    }

    /// <summary>
    /// Waits until every one of <paramref name="nodes"/> answers <c>/healthz</c> Healthy (an Up member, every
    /// region registered, every partition answering) and sees exactly those nodes as members. Returns how long
    /// it took until the start of the probe round that found them all ready.
    /// </summary>
    public async Task<TimeSpan> UntilReadyAsync(TimeSpan within, params int[] nodes)
    {
        var clock = Stopwatch.StartNew();
        var last = new string[_nodes.Length];
        while (true)
        {
            var round = clock.Elapsed;
            var ready = await Task.WhenAll(nodes.Select(async n =>
            {
                var (ok, said) = await ReadyAsync(n, nodes.Length);
                last[n] = said;
                return ok;
            }));
            if (ready.All(r => r))
            {
                return round;
            }

            if (clock.Elapsed > within)
            {
                throw new TimeoutException(
                    $"Not every node was ready with {nodes.Length} members within {within}:\n" +
                    string.Join("\n", nodes.Select(n => $"node {n}: {last[n]}\n  last output: {_nodes[n]?.Tail.Replace("\n", "\n    ", StringComparison.Ordinal)}")));
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The cluster check's data in node <paramref name="node"/>'s <c>/healthz</c>.</summary>
    public async Task<JsonElement> ClusterHealthAsync(int node)
    {
        using var response = await _clients[node].GetAsync("/healthz");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("checks").GetProperty("cluster").GetProperty("data");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client?.Dispose();
        }

        // Each by its own id; DisposeAsync kills one that is still running.
        foreach (var node in _nodes)
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }
    }

    private void Start(int node, string[] configuration)
    {
        string[] arguments =
        [
            $"--ActorSessions:HoconFile={_hoconFile}",
            $"--ActorSessions:PostgreSql={TestPostgres.ConnectionString}",
            "--ActorSessions:Cluster:Hostname=127.0.0.1",
            $"--ActorSessions:Cluster:Port={_clusterPorts[node].ToString(CultureInfo.InvariantCulture)}",
            $"--ActorSessions:Cluster:SeedNodes={AddressOf(0)}",

            // Every visitor comes from 127.0.0.1: the per-address limit on new sessions would refuse most.
            "--ActorSessions:Http:NewSessionsPerMinute=",
            "--Logging:LogLevel:Default=Warning",
            .. configuration.Select(c => "--" + c),
        ];
        var app = ChildApp.Start("ActorSessions.Server.dll", arguments);
        _nodes[node] = app;
        _clients[node] = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = app.Address,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    private async Task<(bool Ready, string Said)> ReadyAsync(int node, int members)
    {
        if (_nodes[node] is { Process.HasExited: true } exited)
        {
            throw new InvalidOperationException($"Node {node} exited with {exited.Process.ExitCode}:\n{exited.Tail}");
        }

        try
        {
            using var response = await _clients[node].GetAsync("/healthz");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (false, body);
            }

            // 200 is also Degraded: a node that was ready once and now misses a partition. Ready is Healthy.
            var report = JsonDocument.Parse(body).RootElement;
            var data = report.GetProperty("checks").GetProperty("cluster").GetProperty("data");
            return (report.GetProperty("status").GetString() == "Healthy" && data.GetProperty("members").GetInt32() == members, body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (false, e.Message);
        }
    }
}
