using ActorSessions.Storage;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace ActorSessions.PostgreSql;

/// <summary>
/// An <see cref="ISessionStore"/> in PostgreSQL. A commit is one transaction of a few statements whatever
/// its size: the rows go in as arrays (<c>unnest</c>) with <c>ON CONFLICT DO UPDATE</c>, the deletes as
/// <c>id = ANY(...)</c>; so a group commit of thousands of writes costs one round trip. Each key of a
/// session is a row of its own, so a write costs what it changes: a one-key change writes that key and the
/// session's stamps, a touch only the stamps (<see cref="AcceptsItemChanges"/>).
/// </summary>
/// <remarks>
/// Table <c>actor_sessions</c>: <c>id</c> (key), <c>partition_key</c> (<see cref="SessionPartitionKey"/>,
/// indexed with the id, so a partition reads only its own rows), <c>created_at</c>, <c>last_modified</c>,
/// <c>version</c>, <c>expires_at</c> (indexed with the partition key, for a partition's cleanup); times are
/// <c>bigint</c> UTC ticks (100 ns since 0001-01-01). Table
/// <c>actor_session_items</c>: <c>session_id</c>, <c>key</c> (<c>bytea</c>: its UTF-8 bytes, since <c>text</c> cannot hold a NUL),
/// <c>value</c> (<c>bytea</c>), keyed by (<c>session_id</c>, <c>key</c>). The schema version is kept in
/// <c>actor_sessions_schema</c>; a version 1 table (one <c>data</c> column a session) is converted in
/// place by <see cref="InitializeAsync"/>, and so is a version 2 table (no partition keys). Table
/// <c>actor_session_partitions</c>: <c>partition</c> (key), <c>epoch</c>, <c>partitions</c> (the count it was taken under), the fence of
/// <see cref="IFencedSessionStore"/>, added to a database from before fencing by <see cref="InitializeAsync"/>.
/// A fenced commit or cleanup locks its partition's row first (<c>SELECT ... FOR UPDATE</c>), so a take waits
/// for it to end. A commit is one batch, and so one transaction and one round trip: its checks (the epoch, and
/// a row for every session whose keys it changes) fail it in the server through the function
/// <c>actor_sessions_expect</c>, which <see cref="InitializeAsync"/> creates.
/// </remarks>
public sealed class PostgreSqlSessionStore : IFencedSessionStore, IAsyncDisposable, IDisposable
{
    /// <summary>The schema version this store writes and reads.</summary>
    public const int SchemaVersion = 3;

    private const int MigrationChunk = 10_000;

    /// <summary>Statements a connection keeps prepared: the store's own (about fifteen), with room to spare.</summary>
    private const int PreparedStatements = 32;

    /// <summary>The error a commit raises when its partition's epoch is not the one it holds.</summary>
    private const string FencedState = "ASF01";

    /// <summary>The error a commit raises when a session whose keys it changes has no row.</summary>
    private const string MissingRowsState = "ASM01";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _table;
    private readonly string _items;
    private readonly string _schemaTable;
    private readonly string _partitions;
    private readonly string _schema;
    private readonly string _expect;

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
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        if (options.PrepareStatements && builder.ConnectionStringBuilder.MaxAutoPrepare < PreparedStatements)
        {
            // Each commit's statements then skip PostgreSQL's parse and plan, a third of its CPU a commit.
            builder.ConnectionStringBuilder.MaxAutoPrepare = PreparedStatements;
        }

        _dataSource = builder.Build();
        _schema = Quote(options.Schema);
        _table = $"{_schema}.actor_sessions";
        _items = $"{_schema}.actor_session_items";
        _schemaTable = $"{_schema}.actor_sessions_schema";
        _partitions = $"{_schema}.actor_session_partitions";
        _expect = $"{_schema}.actor_sessions_expect";
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

            // Each CREATE only for what is missing: PostgreSQL checks the privilege to create before it
            // looks for what exists, so a role that may only use the schema and its tables (created by
            // another) could otherwise not start the store.
            if (!await Exists(connection, "to_regnamespace", _schema, cancellationToken).ConfigureAwait(false))
            {
                await Execute(connection, $"CREATE SCHEMA IF NOT EXISTS {_schema}", cancellationToken).ConfigureAwait(false);
            }

            if (!await Exists(connection, "to_regclass", _schemaTable, cancellationToken).ConfigureAwait(false))
            {
                await Execute(connection, $"CREATE TABLE IF NOT EXISTS {_schemaTable} (version integer NOT NULL)", cancellationToken).ConfigureAwait(false);
            }

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
                            partition_key bigint NOT NULL,
                            created_at bigint NOT NULL,
                            last_modified bigint NOT NULL,
                            version bigint NOT NULL,
                            expires_at bigint NOT NULL);
                        {ItemsTableSql()}
                        {IndexesAndVersionSql()}
                        """, cancellationToken).ConfigureAwait(false);
                }

                if (version == 1)
                {
                    await MigrateFromVersion1(connection, cancellationToken).ConfigureAwait(false);
                }

                if (version is 1 or 2)
                {
                    await MigrateFromVersion2(connection, cancellationToken).ConfigureAwait(false);
                }
            }

            if (!await Exists(connection, "to_regclass", _partitions, cancellationToken).ConfigureAwait(false))
            {
                await Execute(connection, $"CREATE TABLE IF NOT EXISTS {_partitions} (partition integer PRIMARY KEY, epoch bigint NOT NULL, partitions integer)", cancellationToken).ConfigureAwait(false);
            }

            await using (var counted = new NpgsqlCommand(
                "SELECT count(*) FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'partitions' AND NOT attisdropped",
                connection))
            {
                counted.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _partitions });

                // Altered only when the column is missing: ALTER TABLE locks the table against every commit's fence check.
                if ((long)(await counted.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
                {
                    // A partitions table from before the count was kept: its rows' counts are unknown (null).
                    await Execute(connection, $"ALTER TABLE {_partitions} ADD COLUMN partitions integer", cancellationToken).ConfigureAwait(false);
                }
            }

            // A commit's checks, raised in the server so that its batch is its transaction: one round trip.
            // Created only when missing, as the tables are: replacing it would need the role that owns it.
            if (!await Exists(connection, "to_regprocedure", $"{_expect}(bigint, bigint, text)", cancellationToken).ConfigureAwait(false))
            {
                await Execute(connection, $$"""
                    CREATE FUNCTION {{_expect}}(actual bigint, expected bigint, state text) RETURNS void
                    LANGUAGE plpgsql AS $fn$
                    BEGIN
                        IF actual IS DISTINCT FROM expected THEN
                            RAISE EXCEPTION 'expected %, found %', expected, actual USING ERRCODE = state, HINT = actual::text;
                        END IF;
                    END
                    $fn$
                    """, cancellationToken).ConfigureAwait(false);
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
    public bool AcceptsItemChanges => true;

    /// <inheritdoc />
    public Task CommitAsync(IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken) =>
        Commit(fence: null, writes, cancellationToken);

    /// <inheritdoc />
    public Task CommitAsync(int partition, long epoch, IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken) =>
        Commit((partition, epoch), writes, cancellationToken);

    /// <inheritdoc />
    public Task<long> TakePartitionAsync(int partition, CancellationToken cancellationToken) =>
        Take(partition, partitions: null, cancellationToken);

    /// <inheritdoc />
    public Task<long> TakePartitionAsync(int partition, int partitions, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        return Take(partition, partitions, cancellationToken);
    }

    /// <summary>
    /// Raises the partition's epoch; with a count, in the same transaction first every other partition's whose
    /// recorded count differs, which then carry it (a null count, from before counts were kept, is taken for
    /// the same: see <see cref="IFencedSessionStore.TakePartitionAsync(int, int, CancellationToken)"/>). Each
    /// update waits for a fenced commit that holds the row it raises.
    /// </summary>
    private async Task<long> Take(int partition, int? partitions, CancellationToken cancellationToken)
    {
        try
        {
            // One batch, so one (implicit) transaction: the other counts' partitions are raised with this one, or neither is.
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            if (partitions is { } count)
            {
                batch.BatchCommands.Add(Command(
                    $"UPDATE {_partitions} SET epoch = epoch + 1, partitions = $2 WHERE partition <> $1 AND partitions <> $2",
                    new NpgsqlParameter<int> { TypedValue = partition },
                    new NpgsqlParameter<int> { TypedValue = count }));
            }

            // Without a count, the one recorded is kept.
            batch.BatchCommands.Add(Command(
                $"INSERT INTO {_partitions} AS p (partition, epoch, partitions) VALUES ($1, 1, $2) " +
                "ON CONFLICT (partition) DO UPDATE SET epoch = p.epoch + 1, partitions = coalesce(EXCLUDED.partitions, p.partitions) RETURNING epoch",
                new NpgsqlParameter<int> { TypedValue = partition },
                new NpgsqlParameter { Value = (object?)partitions ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer }));
            return (long)(await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            _dataSource.Clear();
            throw;
        }
    }

    /// <summary>
    /// One commit, fenced by <paramref name="fence"/> when it is given: the first statement of the batch locks
    /// the partition's row and fails unless its epoch is the one held. The batch is the transaction (one Sync,
    /// so PostgreSQL commits it when its last statement has run, and rolls all of it back when one fails):
    /// its checks are raised in the server, and the commit is one round trip.
    /// </summary>
    private async Task Commit((int Partition, long Epoch)? fence, IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);

        // One row per id (the last write wins): ON CONFLICT cannot touch a row twice in one statement.
        var byId = new Dictionary<string, SessionWrite>(writes.Count, StringComparer.Ordinal);
        foreach (var write in writes)
        {
            byId[write.Id] = write;
        }

        var whole = new List<SessionRecord>();
        var changed = new List<SessionRecord>();
        var deletes = new List<string>();
        var set = new ItemColumns();
        var removed = new ItemColumns();
        foreach (var write in byId.Values)
        {
            if (write.Record is not { } r)
            {
                deletes.Add(write.Id);
            }
            else if (write.Items is { } items)
            {
                changed.Add(r);
                foreach (var key in items.Removed)
                {
                    removed.Add(r.Id, StrictUtf8.GetBytes(key), default);
                }

                foreach (var (key, value) in items.Set)
                {
                    set.Add(r.Id, StrictUtf8.GetBytes(key), value);
                }
            }
            else
            {
                if (!SessionDataFormat.TryDecode(r.Data, out var data, out var error))
                {
                    throw new InvalidOperationException($"The data of a session cannot be written: {error}.");
                }

                whole.Add(r);
                foreach (var (key, value) in data)
                {
                    set.Add(r.Id, StrictUtf8.GetBytes(key), value);
                }
            }
        }

        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            if (fence is var (partition, epoch))
            {
                batch.BatchCommands.Add(CheckEpoch(partition, epoch));
            }

            if (whole.Count > 0)
            {
                var upsert = Stamped(
                    $"INSERT INTO {_table} (id, created_at, last_modified, version, expires_at, partition_key) " +
                    "SELECT * FROM unnest($1, $2, $3, $4, $5, $6) " +
                    "ON CONFLICT (id) DO UPDATE SET created_at = EXCLUDED.created_at, last_modified = EXCLUDED.last_modified, version = EXCLUDED.version, expires_at = EXCLUDED.expires_at",
                    whole);
                upsert.Parameters.Add(Longs([.. whole.Select(r => SessionPartitionKey.Of(r.Id))]));
                batch.BatchCommands.Add(upsert);
                batch.BatchCommands.Add(Command($"DELETE FROM {_items} WHERE session_id = ANY($1)", Texts([.. whole.Select(r => r.Id)])));
            }

            if (changed.Count > 0)
            {
                // Before the keys: a change to a session without a row fails the commit, so no key is left without its session.
                var stamps = Stamped(
                    $"WITH s AS (UPDATE {_table} AS s SET created_at = u.created_at, last_modified = u.last_modified, version = u.version, expires_at = u.expires_at " +
                    "FROM unnest($1, $2, $3, $4, $5) AS u (id, created_at, last_modified, version, expires_at) WHERE s.id = u.id RETURNING 1) " +
                    $"SELECT {_expect}((SELECT count(*) FROM s), $6, '{MissingRowsState}')",
                    changed);
                stamps.Parameters.Add(new NpgsqlParameter<long> { TypedValue = changed.Count });
                batch.BatchCommands.Add(stamps);
            }

            if (removed.Count > 0)
            {
                batch.BatchCommands.Add(Command(
                    $"DELETE FROM {_items} AS i USING unnest($1, $2) AS r (session_id, key) WHERE i.session_id = r.session_id AND i.key = r.key",
                    Texts([.. removed.SessionIds]),
                    Bytes([.. removed.Keys])));
            }

            if (set.Count > 0)
            {
                batch.BatchCommands.Add(Command(
                    $"INSERT INTO {_items} (session_id, key, value) SELECT * FROM unnest($1, $2, $3) ON CONFLICT (session_id, key) DO UPDATE SET value = EXCLUDED.value",
                    Texts([.. set.SessionIds]),
                    Bytes([.. set.Keys]),
                    Bytes([.. set.Values])));
            }

            if (deletes.Count > 0)
            {
                // The keys are deleted here, not by a foreign key's cascade: its check on every key written
                // made writing 2M keys take 28 s instead of 5. A change to a session without a row fails
                // below, so a commit never leaves keys without their session.
                batch.BatchCommands.Add(Command($"DELETE FROM {_items} WHERE session_id = ANY($1)", Texts([.. deletes])));
                batch.BatchCommands.Add(Command($"DELETE FROM {_table} WHERE id = ANY($1)", Texts([.. deletes])));
            }

            if (batch.BatchCommands.Count > 0)
            {
                // Returns once PostgreSQL has answered the Sync, so after the transaction committed.
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (PostgresException e) when (e.SqlState == MissingRowsState)
        {
            throw new InvalidOperationException(
                $"{changed.Count - Found(e)} of the sessions changed have no row in {_table}, so a change to their keys cannot be written.", e);
        }
        catch (PostgresException e) when (e.SqlState == FencedState && fence is var (partition, held))
        {
            throw new SessionStoreFencedException(partition, held, Found(e));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // After a server restart the pooled connections are dead; the next try starts afresh.
            _dataSource.Clear();
            throw;
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SessionRecord> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        Load(keys: null, now, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<SessionRecord> LoadAsync(int partition, int partitions, DateTimeOffset now, CancellationToken cancellationToken) =>
        Load(SessionPartitionKey.RangeOf(partition, partitions), now, cancellationToken);

    /// <summary>The live rows, of the partition keys in <paramref name="keys"/> only when it is given (by the partition-key index).</summary>
    private async IAsyncEnumerable<SessionRecord> Load((long First, long Last)? keys, DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Each session's keys right after its stamps (ordered by partition key and id, the order of the
        // index a partition is read by), so a session is whole when the id changes.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT s.id, s.created_at, s.last_modified, s.version, s.expires_at, i.key, i.value " +
            $"FROM {_table} AS s LEFT JOIN {_items} AS i ON i.session_id = s.id WHERE s.expires_at > $1 " +
            (keys is null ? "ORDER BY s.id" : "AND s.partition_key BETWEEN $2 AND $3 ORDER BY s.partition_key, s.id"),
            connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now.UtcTicks });
        if (keys is var (first, last))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = first });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = last });
        }

        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        await foreach (var record in Sessions(reader, cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }
    }

    /// <inheritdoc />
    public bool FindsById => true;

    /// <inheritdoc />
    public async Task<IReadOnlyList<SessionRecord>> FindAsync(IReadOnlyList<string> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new List<SessionRecord>();
        if (ids.Count == 0)
        {
            return found;
        }

        // One statement by the primary key, however many ids: a round trip a call.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"SELECT s.id, s.created_at, s.last_modified, s.version, s.expires_at, i.key, i.value " +
            $"FROM {_table} AS s LEFT JOIN {_items} AS i ON i.session_id = s.id WHERE s.id = ANY($1) AND s.expires_at > $2 ORDER BY s.id",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. ids] });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = now.UtcTicks });
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        await foreach (var record in Sessions(reader, cancellationToken).ConfigureAwait(false))
        {
            found.Add(record);
        }

        return found;
    }

    /// <summary>
    /// The sessions of rows of (id, created_at, last_modified, version, expires_at, key, value) ordered by
    /// session, a row per key (the key null for a session without any): each session once its id changes.
    /// </summary>
    private static async IAsyncEnumerable<SessionRecord> Sessions(NpgsqlDataReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = new List<KeyValuePair<byte[], byte[]>>();
        SessionRecord? current = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            if (current is null || !string.Equals(current.Id, id, StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    yield return current with { Data = SessionDataFormat.EncodeUtf8(items) };
                }

                current = new SessionRecord(id, [], Stamp(reader.GetInt64(1)), Stamp(reader.GetInt64(2)), reader.GetInt64(3), Stamp(reader.GetInt64(4)));
                items.Clear();
            }

            // Keys as stored: one that is not UTF-8 makes the record one the container refuses (and counts).
            if (!await reader.IsDBNullAsync(5, cancellationToken).ConfigureAwait(false))
            {
                items.Add(new(reader.GetFieldValue<byte[]>(5), reader.GetFieldValue<byte[]>(6)));
            }
        }

        if (current is not null)
        {
            yield return current with { Data = SessionDataFormat.EncodeUtf8(items) };
        }
    }

    /// <inheritdoc />
    public async Task<int> DeleteExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

            // One statement, so one transaction: the sessions and their keys go together.
            await using var command = new NpgsqlCommand(DeleteExpiredSql(partitioned: false), connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = before.UtcTicks });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            _dataSource.Clear();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<int> DeleteExpiredAsync(int partition, int partitions, long epoch, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var (first, last) = SessionPartitionKey.RangeOf(partition, partitions);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

            // As a fenced commit: one batch, the partition's row locked first, the deletes under the lock, and
            // nothing committed if the epoch moved.
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(CheckEpoch(partition, epoch));
            batch.BatchCommands.Add(Command(
                DeleteExpiredSql(partitioned: true),
                new NpgsqlParameter<long> { TypedValue = before.UtcTicks },
                new NpgsqlParameter<int> { TypedValue = limit },
                new NpgsqlParameter<long> { TypedValue = first },
                new NpgsqlParameter<long> { TypedValue = last }));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var deleted = reader.GetInt32(0);

            // To the Sync's answer, so the deletes are committed before they are counted as done.
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            return deleted;
        }
        catch (PostgresException e) when (e.SqlState == FencedState)
        {
            throw new SessionStoreFencedException(partition, epoch, Found(e));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            _dataSource.Clear();
            throw;
        }
    }

    /// <summary>
    /// Deletes the expired rows ($1: before, $2: limit; partitioned: of the partition keys $3 to $4) and
    /// their keys in one statement, and counts them. A session a commit is changing meanwhile waits for it
    /// and is then no longer expired, so it and its keys stay.
    /// </summary>
    private string DeleteExpiredSql(bool partitioned) =>
        $"WITH expired AS (DELETE FROM {_table} WHERE id IN (SELECT id FROM {_table} WHERE expires_at < $1 " +
        (partitioned ? "AND partition_key BETWEEN $3 AND $4 " : string.Empty) +
        "LIMIT $2) RETURNING id), " +
        $"keys AS (DELETE FROM {_items} WHERE session_id IN (SELECT id FROM expired)) " +
        "SELECT count(*)::integer FROM expired";

    /// <summary>
    /// Locks the partition's row and fails with <see cref="FencedState"/> unless its epoch (0 when the
    /// partition was never taken) is <paramref name="epoch"/>: the first statement of a fenced batch.
    /// </summary>
    private NpgsqlBatchCommand CheckEpoch(int partition, long epoch) => Command(
        $"SELECT {_expect}(coalesce((SELECT epoch FROM {_partitions} WHERE partition = $1 FOR UPDATE), 0), $2, '{FencedState}')",
        new NpgsqlParameter<int> { TypedValue = partition },
        new NpgsqlParameter<long> { TypedValue = epoch });

    /// <summary>What a check of <see cref="CheckEpoch"/> or a commit's stamps found: the hint of its error.</summary>
    private static long Found(PostgresException error) =>
        long.TryParse(error.Hint, NumberStyles.Integer, CultureInfo.InvariantCulture, out var found) ? found : -1;

    /// <inheritdoc />
    public void Dispose() => _dataSource.Dispose();

    private string IndexesAndVersionSql() => $"""
        CREATE INDEX IF NOT EXISTS actor_sessions_partition ON {_table} (partition_key, id);
        CREATE INDEX IF NOT EXISTS actor_sessions_expiry ON {_table} (expires_at, partition_key);
        DELETE FROM {_schemaTable};
        INSERT INTO {_schemaTable} (version) VALUES (3);
        """;

    private string ItemsTableSql() => $"""
        CREATE TABLE IF NOT EXISTS {_items} (
            session_id text NOT NULL,
            key bytea NOT NULL,
            value bytea NOT NULL,
            PRIMARY KEY (session_id, key));
        """;

    /// <summary>
    /// Version 1 kept each session's keys in one <c>data</c> column: each row's keys become rows of their
    /// own, read through a cursor in chunks, in the transaction of <see cref="InitializeAsync"/>. A row whose
    /// data cannot be decoded (which the container would treat as no session) is deleted.
    /// </summary>
    private async Task MigrateFromVersion1(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await Execute(connection, $"""
            {ItemsTableSql()}
            DECLARE actor_sessions_v1 NO SCROLL CURSOR FOR SELECT id, data FROM {_table};
            """, cancellationToken).ConfigureAwait(false);
        var unreadable = new List<string>();
        while (true)
        {
            var items = new ItemColumns();
            var rows = 0;
            await using (var fetch = new NpgsqlCommand($"FETCH {MigrationChunk} FROM actor_sessions_v1", connection))
            await using (var reader = await fetch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows++;
                    var id = reader.GetString(0);
                    if (!SessionDataFormat.TryDecode(reader.GetFieldValue<byte[]>(1), out var data, out _))
                    {
                        unreadable.Add(id);
                        continue;
                    }

                    foreach (var (key, value) in data)
                    {
                        items.Add(id, StrictUtf8.GetBytes(key), value);
                    }
                }
            }

            if (items.Count > 0)
            {
                await using var insert = new NpgsqlCommand($"INSERT INTO {_items} (session_id, key, value) SELECT * FROM unnest($1, $2, $3)", connection);
                insert.Parameters.Add(Texts([.. items.SessionIds]));
                insert.Parameters.Add(Bytes([.. items.Keys]));
                insert.Parameters.Add(Bytes([.. items.Values]));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (rows < MigrationChunk)
            {
                break;
            }
        }

        await using (var delete = new NpgsqlCommand($"DELETE FROM {_table} WHERE id = ANY($1)", connection))
        {
            delete.Parameters.Add(Texts([.. unreadable]));
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await Execute(connection, $"""
            CLOSE actor_sessions_v1;
            ALTER TABLE {_table} DROP COLUMN data;
            """, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Version 2 had no partition keys: the column is added, filled through a cursor in chunks (the key is
    /// computed here: SQL has no function for it), made <c>NOT NULL</c> and indexed, in the transaction of
    /// <see cref="InitializeAsync"/>. The expiry index gains the partition key.
    /// </summary>
    private async Task MigrateFromVersion2(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await Execute(connection, $"""
            ALTER TABLE {_table} ADD COLUMN partition_key bigint;
            DECLARE actor_sessions_v2 NO SCROLL CURSOR FOR SELECT id FROM {_table};
            """, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var ids = new List<string>(MigrationChunk);
            await using (var fetch = new NpgsqlCommand($"FETCH {MigrationChunk} FROM actor_sessions_v2", connection))
            await using (var reader = await fetch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    ids.Add(reader.GetString(0));
                }
            }

            if (ids.Count > 0)
            {
                await using var update = new NpgsqlCommand(
                    $"UPDATE {_table} AS s SET partition_key = u.partition_key FROM unnest($1, $2) AS u (id, partition_key) WHERE s.id = u.id",
                    connection);
                update.Parameters.Add(Texts([.. ids]));
                update.Parameters.Add(Longs([.. ids.Select(SessionPartitionKey.Of)]));
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (ids.Count < MigrationChunk)
            {
                break;
            }
        }

        await Execute(connection, $"""
            CLOSE actor_sessions_v2;
            ALTER TABLE {_table} ALTER COLUMN partition_key SET NOT NULL;
            DROP INDEX IF EXISTS {_schema}.actor_sessions_expires_at;
            {IndexesAndVersionSql()}
            """, cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand Stamped(string sql, List<SessionRecord> rows) => Command(
        sql,
        Texts([.. rows.Select(r => r.Id)]),
        Longs([.. rows.Select(r => r.CreatedAt.UtcTicks)]),
        Longs([.. rows.Select(r => r.LastModified.UtcTicks)]),
        Longs([.. rows.Select(r => r.Version)]),
        Longs([.. rows.Select(r => r.ExpiresAt.UtcTicks)]));

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Texts(string[] values) =>
        new NpgsqlParameter<string[]> { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static NpgsqlParameter Bytes(byte[][] values) =>
        new NpgsqlParameter<byte[][]> { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea };

    private static NpgsqlParameter Longs(long[] values) =>
        new NpgsqlParameter<long[]> { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint };

    /// <summary>Item rows as the columns <c>unnest</c> takes.</summary>
    private sealed class ItemColumns
    {
        public List<string> SessionIds { get; } = [];

        public List<byte[]> Keys { get; } = [];

        public List<byte[]> Values { get; } = [];

        public int Count => SessionIds.Count;

        // The value's own array, not a copy: Npgsql only reads it.
        public void Add(string sessionId, byte[] key, ImmutableArray<byte> value)
        {
            SessionIds.Add(sessionId);
            Keys.Add(key);
            Values.Add(value.IsDefault ? [] : ImmutableCollectionsMarshal.AsArray(value)!);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static DateTimeOffset Stamp(long ticks) =>
        new(Math.Clamp(ticks, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Whether the object <paramref name="name"/> exists, asked through <paramref name="lookup"/> (<c>to_regclass</c>, <c>to_regnamespace</c>, <c>to_regprocedure</c>).</summary>
    private static async Task<bool> Exists(NpgsqlConnection connection, string lookup, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {lookup}($1) IS NOT NULL", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
