using Akka.Configuration;

namespace ActorSessions.Sqlite;

/// <summary>Where and how <see cref="SqliteSessionStore"/> keeps sessions; defaults from <c>actor-sessions.store.sqlite</c>.</summary>
public sealed class SqliteSessionStoreOptions
{
    /// <summary>The HOCON section the options are read from.</summary>
    public const string ConfigPath = "actor-sessions.store.sqlite";

    /// <summary>The database file; created, with its folder, when missing. Relative to the working directory.</summary>
    /// <value><c>data/sessions.db</c> (<c>path</c>).</value>
    public string Path { get; set; } = System.IO.Path.Combine("data", "sessions.db");

    /// <summary>How hard a commit waits for the disk.</summary>
    /// <value><see cref="SqliteSynchronous.Full"/> (<c>synchronous</c>).</value>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>How long a write waits for a lock held by another connection before it fails.</summary>
    /// <remarks>Keep it under the container's <c>commit-timeout</c>, so a lock held too long fails the commit cleanly.</remarks>
    /// <value>1 second (<c>busy-timeout</c>).</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Caps the database at this many pages (SQLite's <c>max_page_count</c>); a commit that would grow it
    /// further fails as if the disk were full. <see langword="null"/> for no cap.
    /// </summary>
    public long? MaxPageCount { get; set; }

    /// <summary>Reads the options from <c>actor-sessions.store.sqlite</c>, with the library defaults.</summary>
    /// <exception cref="ArgumentException">A value cannot be read.</exception>
    public static SqliteSessionStoreOptions FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.WithFallback(SessionSettings.DefaultConfig).GetConfig(ConfigPath);
        try
        {
            var synchronous = section.GetString("synchronous", "full").Trim().ToUpperInvariant() switch
            {
                "FULL" => SqliteSynchronous.Full,
                "NORMAL" => SqliteSynchronous.Normal,
                var other => throw new ArgumentException($"{ConfigPath}.synchronous must be full or normal, not '{other}'.", nameof(config)),
            };
            return new SqliteSessionStoreOptions
            {
                Path = section.GetString("path") is { Length: > 0 } path ? path : throw new ArgumentException($"{ConfigPath}.path cannot be empty.", nameof(config)),
                Synchronous = synchronous,
                BusyTimeout = section.GetTimeSpan("busy-timeout", allowInfinite: false),
            };
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            throw new ArgumentException($"The {ConfigPath} configuration cannot be read: {e.Message}", nameof(config), e);
        }
    }
}
