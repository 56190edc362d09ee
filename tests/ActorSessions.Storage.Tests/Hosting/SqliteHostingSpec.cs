using ActorSessions.Storage;
using ActorSessions.Hosting;
using ActorSessions.Sqlite;
using ActorSessions.Storage.Tests.TestSupport;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ActorSessions.Storage.Tests.Hosting;

/// <summary>A hosted container made durable with <c>UseSqliteStore</c>, across restarts of the host.</summary>
public sealed class SqliteHostingSpec : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string DatabasePath => _dir.File("hosted.db");

    [Fact]
    public async Task Sessions_survive_a_restart_of_the_host()
    {
        string id;
        using (var host = await StartHost(o => o.UseSqliteStore(s => s.Path = DatabasePath)))
        {
            var client = host.Services.GetRequiredService<ISessionClient>();
            var session = (await client.OpenAsync()).Session;
            await client.SaveAsync(session.SetString("user", "ada"));
            id = session.Id;
            await host.StopAsync();
        }

        using (var host = await StartHost(o => o.UseSqliteStore(s => s.Path = DatabasePath)))
        {
            var found = await host.Services.GetRequiredService<ISessionClient>().GetAsync(id);
            Assert.Equal("ada", found.Session.GetString("user"));
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_database_path_comes_from_hocon()
    {
        using var host = await StartHost(o => o.UseSqliteStore(), $"actor-sessions.store.sqlite.path = \"{DatabasePath}\"");
        await host.Services.GetRequiredService<ISessionClient>().OpenAsync();
        await host.StopAsync();

        Assert.True(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task A_planned_shutdown_writes_the_touches_held_behind()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        const string noTimer = "actor-sessions.store.touch-flush-interval = 1h";
        using (var host = await StartHost(
            o =>
            {
                o.TimeProvider = clock;
                o.UseSqliteStore(s => s.Path = DatabasePath);
            },
            noTimer))
        {
            var client = host.Services.GetRequiredService<ISessionClient>();
            var id = (await client.OpenAsync()).Session.Id;
            clock.Advance(TimeSpan.FromMinutes(5));
            await client.OpenAsync(id);
            await host.StopAsync();
        }

        await using var store = new SqliteSessionStore(new SqliteSessionStoreOptions { Path = DatabasePath });
        var rows = new List<SessionRecord>();
        await foreach (var row in store.LoadAsync(clock.GetUtcNow(), CancellationToken.None))
        {
            rows.Add(row);
        }

        Assert.Equal(clock.GetUtcNow(), Assert.Single(rows).LastModified);
    }

    private static async Task<IHost> StartHost(Action<ActorSessionsOptions> configure, string hocon = "")
    {
        var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddAkka("hosting-store-spec", builder => builder
                    .AddHocon("akka.loglevel = WARNING\n" + hocon, HoconAddMode.Prepend)
                    .WithActorSessions(configure));
                services.AddActorSessionsClient();
            })
            .Build();
        await host.StartAsync();
        return host;
    }

    public void Dispose() => _dir.Dispose();
}
