using Akka.Configuration;

namespace ActorSessions.PostgreSql;

/// <summary>Where <see cref="PostgreSqlSessionStore"/> keeps sessions; defaults from <c>actor-sessions.store.postgresql</c>.</summary>
public sealed class PostgreSqlSessionStoreOptions
{
    /// <summary>The HOCON section the options are read from.</summary>
    public const string ConfigPath = "actor-sessions.store.postgresql";

    /// <summary>An Npgsql connection string; required.</summary>
    /// <value>Empty (<c>connection-string</c>).</value>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The schema that holds the tables; created when missing.</summary>
    /// <value><c>public</c> (<c>schema</c>).</value>
    public string Schema { get; set; } = "public";

    /// <summary>
    /// Whether the store's statements are prepared on each of its connections, so PostgreSQL parses and plans
    /// each statement once a connection instead of once a commit (Npgsql's automatic preparation: the
    /// connection string's <c>Max Auto Prepare</c> is raised to what the store needs). Turn it off behind a
    /// pooler that cannot keep prepared statements, such as PgBouncer in transaction mode before 1.21 (or
    /// later with <c>max_prepared_statements = 0</c>); the connection string is then used as it is.
    /// </summary>
    /// <value><see langword="true"/> (<c>prepare-statements</c>).</value>
    public bool PrepareStatements { get; set; } = true;

    /// <summary>Reads the options from <c>actor-sessions.store.postgresql</c>, with the library defaults.</summary>
    /// <exception cref="ArgumentException">A value cannot be read.</exception>
    public static PostgreSqlSessionStoreOptions FromConfig(Akka.Configuration.Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.WithFallback(SessionSettings.DefaultConfig).GetConfig(ConfigPath);
        try
        {
            return new PostgreSqlSessionStoreOptions
            {
                ConnectionString = section.GetString("connection-string") ?? string.Empty,
                Schema = section.GetString("schema") is { Length: > 0 } schema ? schema : "public",
                PrepareStatements = section.GetBoolean("prepare-statements", true),
            };
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            throw new ArgumentException($"The {ConfigPath} configuration cannot be read: {e.Message}", nameof(config), e);
        }
    }
}
