using ActorSessions.Hosting;
using ActorSessions.PostgreSql;
using ActorSessions.Sqlite;
using Akka.Event;

namespace ActorSessions.Server.Sessions;

/// <summary>
/// Where the server keeps its sessions: in PostgreSQL when it is given a connection string, otherwise in a
/// SQLite file (by default <c>data/sessions.db</c> under the working directory, which git ignores).
/// </summary>
internal static class ServerSessionStore
{
    /// <summary>.NET configuration key of a PostgreSQL connection string (env: <c>ActorSessions__PostgreSql</c>); overrides HOCON's.</summary>
    public const string PostgreSqlKey = "ActorSessions:PostgreSql";

    /// <summary>.NET configuration key of the SQLite file (env: <c>ActorSessions__SqlitePath</c>); overrides HOCON's.</summary>
    public const string SqlitePathKey = "ActorSessions:SqlitePath";

    /// <summary>
    /// .NET configuration key capping the SQLite file at this many pages (SQLite's <c>max_page_count</c>; env:
    /// <c>ActorSessions__SqliteMaxPageCount</c>): a commit that would grow it further fails as on a full disk.
    /// </summary>
    public const string SqliteMaxPageCountKey = "ActorSessions:SqliteMaxPageCount";

    /// <summary>Sets the container's store; <paramref name="configuration"/> is read when the actor system starts.</summary>
    public static void Use(ActorSessionsOptions options, IConfiguration configuration, bool requirePostgreSql = false)
    {
        options.SessionStore = system =>
        {
            var config = system.Settings.Config;
            var postgres = PostgreSqlSessionStoreOptions.FromConfig(config);
            if (configuration[PostgreSqlKey] is { Length: > 0 } connectionString)
            {
                postgres.ConnectionString = connectionString;
            }

            if (!string.IsNullOrWhiteSpace(postgres.ConnectionString))
            {
                system.Log.Info("Sessions are kept in PostgreSQL (schema {0}).", postgres.Schema);
                return new PostgreSqlSessionStore(postgres);
            }

            if (requirePostgreSql)
            {
                // A cluster's nodes share one set of sessions: one machine's SQLite file cannot hold it.
                throw new InvalidOperationException(
                    $"Cluster mode (ActorSessions:Cluster) keeps the sessions in PostgreSQL, which every node shares: set {PostgreSqlKey} (or actor-sessions.store.postgresql.connection-string). SQLite is one machine's file and is refused here.");
            }

            var sqlite = SqliteSessionStoreOptions.FromConfig(config);
            if (configuration[SqlitePathKey] is { Length: > 0 } path)
            {
                sqlite.Path = path;
            }

            sqlite.MaxPageCount = configuration.GetValue<long?>(SqliteMaxPageCountKey);

            var store = new SqliteSessionStore(sqlite);
            system.Log.Info("Sessions are kept in SQLite at {0}.", store.DatabasePath);
            return store;
        };
    }
}
