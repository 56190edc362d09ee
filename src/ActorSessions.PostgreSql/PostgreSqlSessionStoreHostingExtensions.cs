using ActorSessions.PostgreSql;

namespace ActorSessions.Hosting;

/// <summary>Makes a hosted container durable in PostgreSQL.</summary>
public static class PostgreSqlSessionStoreHostingExtensions
{
    /// <summary>
    /// Keeps the container's sessions in PostgreSQL: <c>actor-sessions.store.postgresql</c> from the actor
    /// system's HOCON, then <paramref name="connectionString"/> when given, then <paramref name="configure"/>.
    /// Use it inside <c>WithActorSessions(options => options.UsePostgreSqlStore("Host=...;..."))</c>.
    /// </summary>
    public static ActorSessionsOptions UsePostgreSqlStore(
        this ActorSessionsOptions options,
        string? connectionString = null,
        Action<PostgreSqlSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.SessionStore = system =>
        {
            var storeOptions = PostgreSqlSessionStoreOptions.FromConfig(system.Settings.Config);
            if (!string.IsNullOrWhiteSpace(connectionString))
            {
                storeOptions.ConnectionString = connectionString;
            }

            configure?.Invoke(storeOptions);
            return new PostgreSqlSessionStore(storeOptions);
        };
        return options;
    }
}
