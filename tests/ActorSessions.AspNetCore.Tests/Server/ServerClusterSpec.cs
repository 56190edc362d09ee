using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>The server's cluster mode from .NET configuration (ActorSessions:Cluster:*).</summary>
public sealed class ServerClusterSpec : IAsyncLifetime
{
    private const int Partitions = ActorSessions.Server.Cluster.ServerCluster.DefaultPartitions;

    private readonly string _dir = Directory.CreateTempSubdirectory("actorsessions-cluster-").FullName;
    private readonly string _schema = TestPostgres.NewSchema();
    private IDisposable? _serverInUse;

    // The PostgreSQL fault specs stop the server; this spec needs it up from start to end.
    public async Task InitializeAsync() => _serverInUse = await TestPostgres.SharedUseAsync(TimeSpan.FromMinutes(5));

    public async Task DisposeAsync()
    {
        try
        {
            await TestPostgres.DropSchema(_schema);
        }
        finally
        {
            _serverInUse?.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Cluster_mode_over_SQLite_refuses_to_start_and_says_to_use_PostgreSQL()
    {
        var config = Cluster(FreePort());
        config["ActorSessions:SqlitePath"] = Path.Combine(_dir, "sessions.db");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => StoreFaultRun.StartServer(_dir, config));

        Assert.Contains(Messages(error), m => m.Contains("Cluster mode", StringComparison.Ordinal) && m.Contains("PostgreSQL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_one_node_cluster_over_PostgreSQL_is_ready_once_every_partition_answers_and_then_serves_sessions()
    {
        var port = FreePort();
        var config = Cluster(port);
        config["ActorSessions:PostgreSql"] = TestPostgres.ConnectionString;
        config["ActorSessions:Http:NewSessionsPerMinute"] = string.Empty;
        var app = await StoreFaultRun.StartServer(_dir, config, $"actor-sessions.store.postgresql.schema = \"{_schema}\"");
        try
        {
            using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = Address(app), Timeout = TimeSpan.FromSeconds(30) };

            // /healthz is 200 only once the node is an Up member, its region registered and every partition answers.
            var health = await UntilReadyAsync(client);

            var put = await client.PutAsync("/api/session/data/colour", new StringContent("blue"));
            var session = JsonDocument.Parse(await client.GetStringAsync("/api/session")).RootElement;
            var partitions = JsonDocument.Parse(await client.GetStringAsync("/api/stats/partitions")).RootElement.GetProperty("partitions");
            var page = await client.GetStringAsync("/");

            var self = $"akka.tcp://actor-sessions-server@127.0.0.1:{port}";
            var cluster = health.GetProperty("checks").GetProperty("cluster");
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
            Assert.Equal("blue", session.GetProperty("data").GetProperty("colour").GetString());
            Assert.Equal(1, await TestPostgres.SessionRows(_schema));
            Assert.Equal("Healthy", cluster.GetProperty("status").GetString());
            Assert.Equal(self, cluster.GetProperty("data").GetProperty("self").GetString());
            Assert.Equal("Up", cluster.GetProperty("data").GetProperty("status").GetString());
            Assert.Equal(1, cluster.GetProperty("data").GetProperty("members").GetInt32());
            Assert.Equal(Partitions, cluster.GetProperty("data").GetProperty("answering").GetInt32());
            Assert.Equal(Partitions, cluster.GetProperty("data").GetProperty("held").GetInt32());
            Assert.Equal(Enumerable.Range(0, Partitions), partitions.EnumerateArray().Select(p => p.GetProperty("partition").GetInt32()));
            Assert.All(partitions.EnumerateArray(), p => Assert.Equal(self, p.GetProperty("node").GetString()));
            Assert.Equal(1, partitions.EnumerateArray().Sum(p => p.GetProperty("stats").GetProperty("sessions").GetInt32()));
            Assert.Contains(self, page, StringComparison.Ordinal);
            Assert.Contains($"{Partitions} of {Partitions}", page, StringComparison.Ordinal);

            // In a farm the store check fails on every node alike (a partition moving, the shared store down):
            // it degrades the node, and only the cluster check keeps a node that is not ready out of rotation.
            var checks = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations;
            Assert.Equal(HealthStatus.Degraded, checks.Single(r => r.Name == "actor-sessions").FailureStatus);
            Assert.Equal(HealthStatus.Unhealthy, checks.Single(r => r.Name == "cluster").FailureStatus);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Polls <c>/healthz</c> until it is 200 (bounded) and returns its body.</summary>
    private static async Task<JsonElement> UntilReadyAsync(HttpClient client)
    {
        using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await client.GetAsync("/healthz", ready.Token);
            var body = await response.Content.ReadAsStringAsync(ready.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return JsonDocument.Parse(body).RootElement;
            }

            await Task.Delay(100, ready.Token);
        }
    }

    private static Dictionary<string, string> Cluster(int port) => new()
    {
        ["ActorSessions:Cluster:Hostname"] = "127.0.0.1",
        ["ActorSessions:Cluster:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ActorSessions:Cluster:SeedNodes"] = $"akka.tcp://actor-sessions-server@127.0.0.1:{port}",
        ["ActorSessions:Cluster:StableAfter"] = "00:00:01",
    };

    private static Uri Address(Microsoft.AspNetCore.Builder.WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    private static IEnumerable<string> Messages(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e.Message;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Messages))
                {
                    yield return inner;
                }
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
