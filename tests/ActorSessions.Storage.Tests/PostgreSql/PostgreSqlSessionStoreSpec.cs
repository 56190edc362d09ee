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

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await TestPostgres.DropSchema(_schema);
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
