using ActorSessions.PostgreSql;
using ActorSessions.Sqlite;
using ActorSessions.Storage.Tests.TestSupport;

namespace ActorSessions.Storage.Tests.Crash;

/// <summary>A process saving as fast as it can is killed with SIGKILL; every save it had acknowledged is there after a restart.</summary>
public sealed class SqliteCrashSpec : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Every_save_acknowledged_before_a_SIGKILL_survives_it_in_SQLite()
    {
        var path = _dir.File("sessions.db");

        var acks = await CrashChild.RunAndKill(3000, "sqlite", path);

        Assert.True(acks.Count >= 3000);
        await using var store = new SqliteSessionStore(new SqliteSessionStoreOptions { Path = path });
        await CrashChild.VerifyEveryAckSurvived(store, acks);
    }

    public void Dispose() => _dir.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlCrashSpec : IAsyncLifetime
{
    private readonly string _schema = TestPostgres.NewSchema();

    [Fact]
    public async Task Every_save_acknowledged_before_a_SIGKILL_survives_it_in_PostgreSQL()
    {
        var acks = await CrashChild.RunAndKill(3000, "postgresql", TestPostgres.ConnectionString, _schema);

        Assert.True(acks.Count >= 3000);
        await using var store = new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = TestPostgres.ConnectionString, Schema = _schema });
        await CrashChild.VerifyEveryAckSurvived(store, acks);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => TestPostgres.DropSchema(_schema);
}
