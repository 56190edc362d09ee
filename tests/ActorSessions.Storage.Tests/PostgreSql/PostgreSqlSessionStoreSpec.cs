using ActorSessions.Storage;
using ActorSessions.PostgreSql;
using ActorSessions.Storage.Tests.TestSupport;

namespace ActorSessions.Storage.Tests.PostgreSql;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlSessionStoreSpec : SessionStoreContract
{
    private readonly string _schema = TestPostgres.NewSchema();

    protected override ISessionStore OpenStore() =>
        new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = TestPostgres.ConnectionString, Schema = _schema });

    protected override Task SetSchemaVersion(int version) =>
        TestPostgres.Execute($"UPDATE \"{_schema}\".actor_sessions_schema SET version = {version}");

    protected override Task DropPartitionsTable() =>
        TestPostgres.Execute($"DROP TABLE \"{_schema}\".actor_session_partitions");

    protected override async Task<ISessionStore> OpenVersion1Store(IReadOnlyList<SessionRecord> rows)
    {
        var schema = _version1Schema = TestPostgres.NewSchema();
        await TestPostgres.Execute($"""
            CREATE SCHEMA "{schema}";
            CREATE TABLE "{schema}".actor_sessions_schema (version integer NOT NULL);
            INSERT INTO "{schema}".actor_sessions_schema VALUES (1);
            CREATE TABLE "{schema}".actor_sessions (
                id text PRIMARY KEY,
                data bytea NOT NULL,
                created_at bigint NOT NULL,
                last_modified bigint NOT NULL,
                version bigint NOT NULL,
                expires_at bigint NOT NULL);
            CREATE INDEX actor_sessions_expires_at ON "{schema}".actor_sessions (expires_at);
            """);
        foreach (var row in rows)
        {
            await TestPostgres.Execute(
                $"INSERT INTO \"{schema}\".actor_sessions VALUES ('{row.Id}', '\\x{Convert.ToHexString(row.Data)}', " +
                $"{row.CreatedAt.UtcTicks}, {row.LastModified.UtcTicks}, {row.Version}, {row.ExpiresAt.UtcTicks})");
        }

        return new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = TestPostgres.ConnectionString, Schema = schema });
    }

    private string? _version1Schema;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await TestPostgres.DropSchema(_schema);
        if (_version1Schema is { } old)
        {
            await TestPostgres.DropSchema(old);
        }
    }

    [Fact]
    public async Task Two_stores_starting_at_once_create_the_schema_once()
    {
        var schema = TestPostgres.NewSchema();
        try
        {
            var stores = Enumerable.Range(0, 4)
                .Select(_ => new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = TestPostgres.ConnectionString, Schema = schema }))
                .ToList();

            await Task.WhenAll(stores.Select(s => s.InitializeAsync(CancellationToken.None)));

            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
        finally
        {
            await TestPostgres.DropSchema(schema);
        }
    }
}
