using ActorSessions.Sqlite;

namespace ActorSessions.Hosting;

/// <summary>Makes a hosted container durable in SQLite.</summary>
public static class SqliteSessionStoreHostingExtensions
{
    /// <summary>
    /// Keeps the container's sessions in a SQLite file: <c>actor-sessions.store.sqlite</c> from the actor
    /// system's HOCON (by default <c>data/sessions.db</c> under the working directory), then
    /// <paramref name="configure"/>. Use it in <c>AddActorSessions(options => options.UseSqliteStore())</c> or <c>WithActorSessions(...)</c>.
    /// </summary>
    public static TOptions UseSqliteStore<TOptions>(this TOptions options, Action<SqliteSessionStoreOptions>? configure = null)
        where TOptions : class, IActorSessionsStoreOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        options.SessionStore = system =>
        {
            var storeOptions = SqliteSessionStoreOptions.FromConfig(system.Settings.Config);
            configure?.Invoke(storeOptions);
            return new SqliteSessionStore(storeOptions);
        };
        return options;
    }
}
