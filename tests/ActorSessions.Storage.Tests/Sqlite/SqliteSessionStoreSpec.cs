using ActorSessions.Sqlite;
using ActorSessions.Storage.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActorSessions.Storage.Tests.Sqlite;

public sealed class SqliteSessionStoreSpec : SessionStoreContract
{
    private readonly TempDirectory _dir = new();

    private string DatabasePath => _dir.File(Path.Combine("nested", "sessions.db"));

    protected override ISessionStore OpenStore() => new SqliteSessionStore(new SqliteSessionStoreOptions { Path = DatabasePath });

    protected override Task SetSchemaVersion(int version)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA user_version = {version}";
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public void The_database_is_a_file_in_wal_mode_with_its_folder_created()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", command.ExecuteScalar());
    }
}
