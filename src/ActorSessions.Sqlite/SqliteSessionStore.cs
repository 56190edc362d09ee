using System.Data;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace ActorSessions.Sqlite;

/// <summary>
/// An <see cref="ISessionStore"/> in an embedded SQLite database: one file in WAL mode, so recovery reads
/// while the container writes. SQLite has one writer at a time, so writes go through one connection, one
/// transaction at a time; the container groups many sessions' writes into each.
/// </summary>
/// <remarks>
/// Table <c>actor_sessions</c>: <c>id</c> (key), <c>data</c>, <c>created_at</c>, <c>last_modified</c>,
/// <c>version</c>, <c>expires_at</c> (indexed); times are UTC ticks (100 ns since 0001-01-01). The schema
/// version is SQLite's <c>user_version</c>.
/// </remarks>
public sealed class SqliteSessionStore : ISessionStore, IAsyncDisposable, IDisposable
{
    /// <summary>The schema version this store writes and reads.</summary>
    public const int SchemaVersion = 1;

    private const string UpsertSql =
        "INSERT INTO actor_sessions (id, data, created_at, last_modified, version, expires_at) VALUES ($id, $data, $created, $modified, $version, $expires) " +
        "ON CONFLICT (id) DO UPDATE SET data = excluded.data, created_at = excluded.created_at, last_modified = excluded.last_modified, version = excluded.version, expires_at = excluded.expires_at";

    private readonly SqliteSessionStoreOptions _options;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _writer;
    private bool _disposed;

    /// <summary>Creates the store; nothing is opened until <see cref="InitializeAsync"/>.</summary>
    public SqliteSessionStore(SqliteSessionStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        _options = options;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(options.Path),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => Path.GetFullPath(_options.Path);

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = Writer();
            using var transaction = connection.BeginTransaction(deferred: false);
            var version = Convert.ToInt64(Scalar(connection, transaction, "PRAGMA user_version"), System.Globalization.CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The session database {DatabasePath} has schema version {version}; this store knows up to {SchemaVersion}. Upgrade ActorSessions.Sqlite.");
            }

            if (version < 1)
            {
                Execute(connection, transaction, """
                    CREATE TABLE IF NOT EXISTS actor_sessions (
                        id TEXT NOT NULL PRIMARY KEY,
                        data BLOB NOT NULL,
                        created_at INTEGER NOT NULL,
                        last_modified INTEGER NOT NULL,
                        version INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL);
                    CREATE INDEX IF NOT EXISTS actor_sessions_expires_at ON actor_sessions (expires_at);
                    PRAGMA user_version = 1;
                    """);
            }

            transaction.Commit();
        }
        catch (Exception e) when (!e.Message.Contains(DatabasePath, StringComparison.Ordinal))
        {
            DropWriter();

            // SQLite's own messages ("file is not a database", "unable to open database file") do not say
            // which file; an operator reading the log must not have to guess.
            throw new InvalidOperationException($"The session database {DatabasePath} cannot be opened for writing: {e.Message}", e);
        }
        catch
        {
            DropWriter();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task CommitAsync(IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var connection = Writer();
            using var transaction = connection.BeginTransaction(deferred: false);
            using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = UpsertSql;
            var id = upsert.Parameters.Add("$id", SqliteType.Text);
            var data = upsert.Parameters.Add("$data", SqliteType.Blob);
            var created = upsert.Parameters.Add("$created", SqliteType.Integer);
            var modified = upsert.Parameters.Add("$modified", SqliteType.Integer);
            var version = upsert.Parameters.Add("$version", SqliteType.Integer);
            var expires = upsert.Parameters.Add("$expires", SqliteType.Integer);
            upsert.Prepare();
            using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM actor_sessions WHERE id = $id";
            var deleteId = delete.Parameters.Add("$id", SqliteType.Text);
            delete.Prepare();

            foreach (var write in writes)
            {
                if (write.Record is { } r)
                {
                    id.Value = r.Id;
                    data.Value = r.Data;
                    created.Value = r.CreatedAt.UtcTicks;
                    modified.Value = r.LastModified.UtcTicks;
                    version.Value = r.Version;
                    expires.Value = r.ExpiresAt.UtcTicks;
                    upsert.ExecuteNonQuery();
                }
                else
                {
                    deleteId.Value = write.Id;
                    delete.ExecuteNonQuery();
                }
            }

            transaction.Commit();
        }
        catch
        {
            // A failed statement can leave the connection mid-transaction; the next call opens a fresh one.
            DropWriter();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SessionRecord> LoadAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // A connection of its own: in WAL mode it reads a snapshot while commits go on.
        using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, data, created_at, last_modified, version, expires_at FROM actor_sessions WHERE expires_at > $now";
        command.Parameters.AddWithValue("$now", now.UtcTicks);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Read(reader);
        }
    }

    /// <inheritdoc />
    public async Task<int> DeleteExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = Writer();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM actor_sessions WHERE rowid IN (SELECT rowid FROM actor_sessions WHERE expires_at < $before LIMIT $limit)";
            command.Parameters.AddWithValue("$before", before.UtcTicks);
            command.Parameters.AddWithValue("$limit", limit);
            return command.ExecuteNonQuery();
        }
        catch
        {
            DropWriter();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _gate.Wait();
        try
        {
            _disposed = true;
            DropWriter();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A row as it is; a value of the wrong type becomes one the container will refuse to decode.</summary>
    private static SessionRecord Read(SqliteDataReader reader)
    {
        var id = reader.IsDBNull(0) ? string.Empty : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        var data = reader.IsDBNull(1) ? [] : reader.GetValue(1) as byte[] ?? [];
        return new SessionRecord(id, data, Stamp(reader, 2), Stamp(reader, 3), reader.IsDBNull(4) ? 0 : reader.GetInt64(4), Stamp(reader, 5));
    }

    private static DateTimeOffset Stamp(SqliteDataReader reader, int ordinal)
    {
        var ticks = reader.IsDBNull(ordinal) ? 0 : reader.GetInt64(ordinal);
        return new DateTimeOffset(Math.Clamp(ticks, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
    }

    private SqliteConnection Writer()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is not null)
        {
            return _writer;
        }

        var folder = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            var pragmas = $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {_options.Synchronous.ToString().ToUpperInvariant()}; PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds};";
            if (_options.MaxPageCount is { } pages)
            {
                pragmas += $" PRAGMA max_page_count = {pages};";
            }

            Execute(connection, null, pragmas);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        _writer = connection;
        return connection;
    }

    private void DropWriter()
    {
        _writer?.Dispose();
        _writer = null;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
