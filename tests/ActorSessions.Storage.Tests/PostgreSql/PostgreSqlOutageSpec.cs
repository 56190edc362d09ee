using ActorSessions.PostgreSql;
using ActorSessions.Storage.Tests.TestSupport;

namespace ActorSessions.Storage.Tests.PostgreSql;

/// <summary>The PostgreSQL server stops mid-run and comes back.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlOutageSpec : IAsyncLifetime
{
    private readonly string _schema = TestPostgres.NewSchema();
    private bool _stopped;

    private PostgreSqlSessionStore NewStore() =>
        new(new PostgreSqlSessionStoreOptions { ConnectionString = TestPostgres.ConnectionString, Schema = _schema });

    [Fact]
    public async Task When_the_server_stops_writes_fail_clearly_reads_go_on_and_after_it_starts_nothing_acknowledged_is_lost()
    {
        await using var store = NewStore();
        using var container = new DurableContainer(store);
        var acknowledged = new Dictionary<string, Session>();
        for (var i = 0; i < 10; i++)
        {
            var saved = await container.Save(await container.OpenNew(), "k", $"before {i}");
            acknowledged[saved.Id] = saved;
        }

        await TestPostgres.Control("stop");
        _stopped = true;
        var first = acknowledged.Values.First();

        await container.SaveFails(first, "k", "during the outage");
        await container.SaveFails(first, "k", "still down");
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => container.Ref.Ask<object>(new OpenSession(), DurableContainer.Timeout));
        foreach (var (id, saved) in acknowledged)
        {
            Assert.Equal(saved.GetString("k"), (await container.Get(id)).GetString("k"));
        }

        await TestPostgres.Control("start");
        _stopped = false;

        acknowledged[first.Id] = await container.SaveOnceBack(first, "k", "after the outage", TimeSpan.FromSeconds(60));
        foreach (var id in acknowledged.Keys.ToList())
        {
            acknowledged[id] = await container.Save(acknowledged[id], "k", $"after {id}");
        }

        await using var reopened = NewStore();
        using var restarted = new DurableContainer(reopened);
        foreach (var (id, saved) in acknowledged)
        {
            var recovered = await restarted.Get(id);
            Assert.Equal(saved.GetString("k"), recovered.GetString("k"));
            Assert.Equal(saved.Version, recovered.Version);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_stopped)
        {
            await TestPostgres.Control("start");
        }

        await TestPostgres.DropSchema(_schema);
    }
}
