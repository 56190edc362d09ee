using ActorSessions.Storage;
using ActorSessions.PostgreSql;
using ActorSessions.Storage.Tests.TestSupport;
using static ActorSessions.Storage.Tests.TestSupport.Rows;

namespace ActorSessions.Storage.Tests.PostgreSql;

[Collection(PostgresCollection.Name)]
public class PostgreSqlSessionStoreSpec : SessionStoreContract
{
    private readonly string _schema = TestPostgres.NewSchema();

    /// <summary>The store's <see cref="PostgreSqlSessionStoreOptions.PrepareStatements"/>, on by default.</summary>
    protected virtual bool PrepareStatements => true;

    protected override ISessionStore OpenStore() =>
        new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = TestPostgres.ConnectionString, Schema = _schema, PrepareStatements = PrepareStatements });

    protected override Task SetSchemaVersion(int version) =>
        TestPostgres.Execute($"UPDATE \"{_schema}\".actor_sessions_schema SET version = {version}");

    protected override async Task<ISessionStore> OpenVersion2Store(IReadOnlyList<SessionRecord> rows, bool withPartitionsTable)
    {
        var schema = _version2Schema = TestPostgres.NewSchema();
        await TestPostgres.Execute($"""
            CREATE SCHEMA "{schema}";
            CREATE TABLE "{schema}".actor_sessions_schema (version integer NOT NULL);
            INSERT INTO "{schema}".actor_sessions_schema VALUES (2);
            CREATE TABLE "{schema}".actor_sessions (
                id text PRIMARY KEY,
                created_at bigint NOT NULL,
                last_modified bigint NOT NULL,
                version bigint NOT NULL,
                expires_at bigint NOT NULL);
            CREATE INDEX actor_sessions_expires_at ON "{schema}".actor_sessions (expires_at);
            CREATE TABLE "{schema}".actor_session_items (
                session_id text NOT NULL,
                key bytea NOT NULL,
                value bytea NOT NULL,
                PRIMARY KEY (session_id, key));
            """);
        if (withPartitionsTable)
        {
            await TestPostgres.Execute($"CREATE TABLE \"{schema}\".actor_session_partitions (partition integer PRIMARY KEY, epoch bigint NOT NULL); INSERT INTO \"{schema}\".actor_session_partitions VALUES (0, 4);");
        }

        foreach (var row in rows)
        {
            await TestPostgres.Execute(
                $"INSERT INTO \"{schema}\".actor_sessions VALUES ('{row.Id}', {row.CreatedAt.UtcTicks}, {row.LastModified.UtcTicks}, {row.Version}, {row.ExpiresAt.UtcTicks})");
            Assert.True(SessionDataFormat.TryDecode(row.Data, out var data, out _));
            foreach (var (key, value) in data)
            {
                await TestPostgres.Execute(
                    $"INSERT INTO \"{schema}\".actor_session_items VALUES ('{row.Id}', '\\x{Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(key))}', '\\x{Convert.ToHexString(value.AsSpan())}')");
            }
        }

        return new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = TestPostgres.ConnectionString, Schema = schema, PrepareStatements = PrepareStatements });
    }

    private string? _version2Schema;

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

        return new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = TestPostgres.ConnectionString, Schema = schema, PrepareStatements = PrepareStatements });
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

        if (_version2Schema is { } older)
        {
            await TestPostgres.DropSchema(older);
        }
    }

    [Fact]
    public async Task A_database_from_before_the_commit_checks_gets_them_when_the_store_starts()
    {
        var epoch = await Fenced.TakePartitionAsync(0, CancellationToken.None);
        await Fenced.CommitAsync(0, epoch, [SessionWrite.Upsert(Row(Id(1)))], CancellationToken.None);

        // The schema as version 3 wrote it before a commit's checks ran in the server.
        await TestPostgres.Execute($"DROP FUNCTION \"{_schema}\".actor_sessions_expect");
        await using var restarted = (PostgreSqlSessionStore)OpenStore();
        await restarted.InitializeAsync(CancellationToken.None);

        await restarted.CommitAsync(0, epoch, [SessionWrite.Upsert(Row(Id(2)))], CancellationToken.None);
        await Assert.ThrowsAsync<SessionStoreFencedException>(() =>
            restarted.CommitAsync(0, epoch - 1, [SessionWrite.Upsert(Row(Id(3)))], CancellationToken.None));
        Assert.Equal([Id(1), Id(2)], (await Load()).Select(r => r.Id).Order());
    }

    [Fact]
    public async Task A_role_that_owns_nothing_of_the_schema_starts_the_store_and_commits()
    {
        // As when another role created the schema: this one may create in it, but owns none of it.
        await StartsAndCommitsAsARoleWith(role => $"""
            GRANT CREATE ON DATABASE postgres TO {role};
            GRANT USAGE, CREATE ON SCHEMA "{_schema}" TO {role};
            """);
    }

    [Fact]
    public async Task A_role_that_may_only_use_the_schema_and_its_tables_starts_the_store_and_commits()
    {
        // Least privilege: a migration role created everything; the app's may create nothing, in the
        // database or the schema, and has no more than the use of the schema and its tables.
        await StartsAndCommitsAsARoleWith(role => $"""GRANT USAGE ON SCHEMA "{_schema}" TO {role};""");
    }

    /// <summary>
    /// As a new role given <paramref name="grants"/> (of its name) and the use of every table, over the
    /// schema the tests' role created: starts a store, takes a partition, commits, is refused a stale
    /// commit, and reads back what it wrote.
    /// </summary>
    private async Task StartsAndCommitsAsARoleWith(Func<string, string> grants)
    {
        var role = "r_" + Guid.NewGuid().ToString("N")[..12];
        await TestPostgres.Execute($"""
            CREATE ROLE {role} LOGIN;
            {grants(role)}
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{_schema}" TO {role};
            """);
        try
        {
            var connection = new Npgsql.NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString) { Username = role, Pooling = false }.ConnectionString;
            await using var store = new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = connection, Schema = _schema, PrepareStatements = PrepareStatements });
            await store.InitializeAsync(CancellationToken.None);

            var epoch = await store.TakePartitionAsync(0, CancellationToken.None);
            await store.CommitAsync(0, epoch, [SessionWrite.Upsert(Row(Id(1)))], CancellationToken.None);
            await Assert.ThrowsAsync<SessionStoreFencedException>(() =>
                store.CommitAsync(0, epoch - 1, [SessionWrite.Upsert(Row(Id(2)))], CancellationToken.None));
            Assert.Equal([Id(1)], (await Load()).Select(r => r.Id));
        }
        finally
        {
            await TestPostgres.Execute($"DROP OWNED BY {role}; DROP ROLE {role};");
        }
    }

    [Fact]
    public async Task Two_stores_starting_at_once_create_the_schema_once()
    {
        var schema = TestPostgres.NewSchema();
        try
        {
            var stores = Enumerable.Range(0, 4)
                .Select(_ => new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = TestPostgres.ConnectionString, Schema = schema, PrepareStatements = PrepareStatements }))
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
