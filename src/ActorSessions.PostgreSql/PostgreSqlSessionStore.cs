using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace ActorSessions.PostgreSql;

/// <summary>
/// An <see cref="ISessionStore"/> in PostgreSQL. A commit is one transaction of two statements whatever
/// its size: the rows go in as arrays (<c>unnest</c>) with <c>ON CONFLICT DO UPDATE</c>, the deletes as
/// <c>id = ANY(...)</c>; so a group commit of thousands of writes costs a few round trips.
/// </summary>
/// <remarks>
/// Table <c>actor_sessions</c>: <c>id</c> (key), <c>data</c> (<c>bytea</c>), <c>created_at</c>,
/// <c>last_modified</c>, <c>version</c>, <c>expires_at</c> (indexed); times are <c>bigint</c> UTC ticks
/// (100 ns since 0001-01-01). The schema version is kept in <c>actor_sessions_schema</c>.
/// </remarks>
public sealed class PostgreSqlSessionStore : ISessionStore, IAsyncDisposable, IDisposable
{
    /// <summary>The schema version this store writes and reads.</summary>
    public const int SchemaVersion = 1;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _table;
    private readonly string _schemaTable;
    private readonly string _schema;

    /// <summary>Creates the store; nothing is opened until <see cref="InitializeAsync"/>.</summary>
    /// <exception cref="ArgumentException">The connection string is missing or invalid.</exception>
    public PostgreSqlSessionStore(PostgreSqlSessionStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("PostgreSqlSessionStore needs a connection string (actor-sessions.store.postgresql.connection-string).", nameof(options));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(options.Schema);
        _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        _schema = Quote(options.Schema);
        _table = $"{_schema}.actor_sessions";
        _schemaTable = $"{_schema}.actor_sessions_schema";
    }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // Several processes may start at once: one creates, the others wait and find it done.
            await Execute(connection, "SELECT pg_advisory_xact_lock(7354110652)", cancellationToken).ConfigureAwait(false);
            await Execute(connection, $"""
                CREATE SCHEMA IF NOT EXISTS {_schema};
                CREATE TABLE IF NOT EXISTS {_schemaTable} (version integer NOT NULL);
                """, cancellationToken).ConfigureAwait(false);
            await using (var read = new NpgsqlCommand($"SELECT max(version) FROM {_schemaTable}", connection))
            {
                var found = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                var version = found is int v ? v : 0;
                if (version > SchemaVersion)
                {
                    throw new InvalidOperationException(
                        $"The session table {_table} has schema version {version}; this store knows up to {SchemaVersion}. Upgrade ActorSessions.PostgreSql.");
                }

                if (version < 1)
                {
                    await Execute(connection, $"""
                        CREATE TABLE IF NOT EXISTS {_table} (
                            id text PRIMARY KEY,
                            data bytea NOT NULL,
                            created_at bigint NOT NULL,
                            last_modified bigint NOT NULL,
                            version bigint NOT NULL,
                            expires_at bigint NOT NULL);
                        CREATE INDEX IF NOT EXISTS actor_sessions_expires_at ON {_table} (expires_at);
                        DELETE FROM {_schemaTable};
                        INSERT INTO {_schemaTable} (version) VALUES (1);
                        """, cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            _dataSource.Clear();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task CommitAsync(IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);

        // One row per id (the last write wins): ON CONFLICT cannot touch a row twice in one statement.
        var byId = new Dictionary<string, SessionWrite>(writes.Count, StringComparer.Ordinal);
        foreach (var write in writes)
        {
            byId[write.Id] = write;
        }

        var upserts = byId.Values.Where(w => w.Record is not null).Select(w => w.Record!).ToList();
        var deletes = byId.Values.Where(w => w.Record is null).Select(w => w.Id).ToArray();
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection, transaction);
            if (upserts.Count > 0)
            {
                var upsert = new NpgsqlBatchCommand(
                    $"INSERT INTO {_table} (id, data, created_at, last_modified, version, expires_at) " +
                    "SELECT * FROM unnest($1, $2, $3, $4, $5, $6) " +
                    "ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, created_at = EXCLUDED.created_at, last_modified = EXCLUDED.last_modified, version = EXCLUDED.version, expires_at = EXCLUDED.expires_at");
                upsert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. upserts.Select(r => r.Id)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                upsert.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. upserts.Select(r => r.Data)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. upserts.Select(r => r.CreatedAt.UtcTicks)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. upserts.Select(r => r.LastModified.UtcTicks)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. upserts.Select(r => r.Version)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. upserts.Select(r => r.ExpiresAt.UtcTicks)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                batch.BatchCommands.Add(upsert);
            }

            if (deletes.Length > 0)
            {
                var delete = new NpgsqlBatchCommand($"DELETE FROM {_table} WHERE id = ANY($1)");
                delete.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = deletes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                batch.BatchCommands.Add(delete);
            }

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // After a server restart the pooled connections are dead; the next try starts afresh.
            _dataSource.Clear();
            throw;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SessionRecord> LoadAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT id, data, created_at, last_modified, version, expires_at FROM {_table} WHERE expires_at > $1", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now.UtcTicks });
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new SessionRecord(
                reader.GetString(0),
                reader.GetFieldValue<byte[]>(1),
                Stamp(reader.GetInt64(2)),
                Stamp(reader.GetInt64(3)),
                reader.GetInt64(4),
                Stamp(reader.GetInt64(5)));
        }
    }

    /// <inheritdoc />
    public async Task<int> DeleteExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"DELETE FROM {_table} WHERE id IN (SELECT id FROM {_table} WHERE expires_at < $1 LIMIT $2)", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = before.UtcTicks });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _dataSource.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static DateTimeOffset Stamp(long ticks) =>
        new(Math.Clamp(ticks, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
