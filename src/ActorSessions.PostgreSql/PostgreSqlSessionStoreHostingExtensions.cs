using ActorSessions.PostgreSql;

namespace ActorSessions.Hosting;

/// <summary>Makes a hosted container durable in PostgreSQL.</summary>
public static class PostgreSqlSessionStoreHostingExtensions
{
    /// <summary>
    /// Keeps the container's sessions in PostgreSQL: <c>actor-sessions.store.postgresql</c> from the actor
    /// system's HOCON, then <paramref name="connectionString"/> when given, then <paramref name="configure"/>.
    /// Use it in <c>AddActorSessions(options => options.UsePostgreSqlStore("Host=...;..."))</c> or <c>WithActorSessions(...)</c>.
    /// </summary>
    public static TOptions UsePostgreSqlStore<TOptions>(
        this TOptions options,
        string? connectionString = null,
        Action<PostgreSqlSessionStoreOptions>? configure = null)
        where TOptions : class, IActorSessionsStoreOptions
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
