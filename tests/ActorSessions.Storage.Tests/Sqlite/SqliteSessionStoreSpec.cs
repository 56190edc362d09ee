using ActorSessions.Storage;
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

    protected override Task<ISessionStore> OpenVersion2Store(IReadOnlyList<SessionRecord> rows, bool withPartitionsTable)
    {
        var path = _dir.File("version2.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            connection.Open();
            using (var create = connection.CreateCommand())
            {
                create.CommandText = """
                    PRAGMA journal_mode = WAL;
                    CREATE TABLE actor_sessions (
                        id TEXT NOT NULL PRIMARY KEY,
                        created_at INTEGER NOT NULL,
                        last_modified INTEGER NOT NULL,
                        version INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL) WITHOUT ROWID;
                    CREATE INDEX actor_sessions_expires_at ON actor_sessions (expires_at);
                    CREATE TABLE actor_session_items (
                        session_id TEXT NOT NULL,
                        key BLOB NOT NULL,
                        value BLOB NOT NULL,
                        PRIMARY KEY (session_id, key)) WITHOUT ROWID;
                    PRAGMA user_version = 2;
                    """ + (withPartitionsTable
                    ? "CREATE TABLE actor_session_partitions (partition INTEGER PRIMARY KEY, epoch BIGINT NOT NULL); INSERT INTO actor_session_partitions VALUES (0, 4);"
                    : string.Empty);
                create.ExecuteNonQuery();
            }

            foreach (var row in rows)
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO actor_sessions VALUES ($id, $created, $modified, $version, $expires)";
                insert.Parameters.AddWithValue("$id", row.Id);
                insert.Parameters.AddWithValue("$created", row.CreatedAt.UtcTicks);
                insert.Parameters.AddWithValue("$modified", row.LastModified.UtcTicks);
                insert.Parameters.AddWithValue("$version", row.Version);
                insert.Parameters.AddWithValue("$expires", row.ExpiresAt.UtcTicks);
                insert.ExecuteNonQuery();
                Assert.True(SessionDataFormat.TryDecode(row.Data, out var data, out _));
                foreach (var (key, value) in data)
                {
                    using var item = connection.CreateCommand();
                    item.CommandText = "INSERT INTO actor_session_items VALUES ($id, $key, $value)";
                    item.Parameters.AddWithValue("$id", row.Id);
                    item.Parameters.AddWithValue("$key", System.Text.Encoding.UTF8.GetBytes(key));
                    item.Parameters.AddWithValue("$value", value.ToArray());
                    item.ExecuteNonQuery();
                }
            }
        }

        return Task.FromResult<ISessionStore>(new SqliteSessionStore(new SqliteSessionStoreOptions { Path = path }));
    }

    protected override Task<ISessionStore> OpenVersion1Store(IReadOnlyList<SessionRecord> rows)
    {
        var path = _dir.File("version1.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE actor_sessions (
                    id TEXT NOT NULL PRIMARY KEY,
                    data BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    last_modified INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL);
                CREATE INDEX actor_sessions_expires_at ON actor_sessions (expires_at);
                PRAGMA user_version = 1;
                """;
            create.ExecuteNonQuery();
            foreach (var row in rows)
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO actor_sessions VALUES ($id, $data, $created, $modified, $version, $expires)";
                insert.Parameters.AddWithValue("$id", row.Id);
                insert.Parameters.AddWithValue("$data", row.Data);
                insert.Parameters.AddWithValue("$created", row.CreatedAt.UtcTicks);
                insert.Parameters.AddWithValue("$modified", row.LastModified.UtcTicks);
                insert.Parameters.AddWithValue("$version", row.Version);
                insert.Parameters.AddWithValue("$expires", row.ExpiresAt.UtcTicks);
                insert.ExecuteNonQuery();
            }
        }

        return Task.FromResult<ISessionStore>(new SqliteSessionStore(new SqliteSessionStoreOptions { Path = path }));
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

    [Fact]
    public void Both_tables_are_keyed_by_partition_key_first_so_a_partitions_rows_are_one_run()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('actor_sessions') WHERE pk > 0 ORDER BY pk); " +
            "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('actor_session_items') WHERE pk > 0 ORDER BY pk);";
        using var reader = command.ExecuteReader();
        reader.Read();
        Assert.Equal("partition_key,id", reader.GetString(0));
        reader.NextResult();
        reader.Read();
        Assert.Equal("partition_key,session_id,key", reader.GetString(0));
    }

    [Fact]
    public void Both_tables_are_without_rowid_at_the_current_schema_version()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID' ORDER BY name); PRAGMA user_version;";
        using var reader = command.ExecuteReader();
        reader.Read();
        Assert.Equal("actor_session_items,actor_sessions", reader.GetString(0));
        reader.NextResult();
        reader.Read();
        Assert.Equal(SqliteSessionStore.SchemaVersion, reader.GetInt32(0));
    }
}
