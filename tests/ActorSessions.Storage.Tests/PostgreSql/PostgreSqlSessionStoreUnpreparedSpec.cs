using ActorSessions.Storage.Tests.TestSupport;

namespace ActorSessions.Storage.Tests.PostgreSql;

/// <summary>
/// The whole contract again with <see cref="ActorSessions.PostgreSql.PostgreSqlSessionStoreOptions.PrepareStatements"/>
/// off, as behind a pooler that cannot keep prepared statements: every statement parsed where it runs.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlSessionStoreUnpreparedSpec : PostgreSqlSessionStoreSpec
{
    protected override bool PrepareStatements => false;
}
