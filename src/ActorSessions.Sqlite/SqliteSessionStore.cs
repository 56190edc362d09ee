using ActorSessions.Storage;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace ActorSessions.Sqlite;

/// <summary>
/// An <see cref="ISessionStore"/> in an embedded SQLite database: one file in WAL mode, so recovery reads
/// while the container writes. SQLite has one writer at a time, so writes go through one connection, one
/// transaction at a time; the container groups many sessions' writes into each. Each key of a session is
/// a row of its own, so a write costs what it changes: a one-key change writes that key and the session's
/// stamps, a touch only the stamps (<see cref="AcceptsItemChanges"/>).
/// </summary>
/// <remarks>
/// Table <c>actor_sessions</c>: <c>partition_key</c> (<see cref="SessionPartitionKey"/>), <c>id</c>,
/// keyed by both, <c>created_at</c>, <c>last_modified</c>, <c>version</c>, <c>expires_at</c> (indexed); times
/// are UTC ticks (100 ns since 0001-01-01). Table <c>actor_session_items</c>: <c>partition_key</c>,
/// <c>session_id</c>, <c>key</c> (its UTF-8 bytes), <c>value</c>, keyed by (<c>partition_key</c>,
/// <c>session_id</c>, <c>key</c>). Both are <c>WITHOUT ROWID</c>, so each is stored in partition-key order:
/// a partition's rows are one contiguous run of each table, and reading them is sequential. Table
/// <c>actor_session_partitions</c>: <c>partition</c> (key), <c>epoch</c>, <c>partitions</c> (the count it was taken under), the fence of
/// <see cref="IFencedSessionStore"/>; a fenced commit or cleanup reads it in its write transaction, which is
/// exclusive (<c>BEGIN IMMEDIATE</c>) across every connection to the file, so a take cannot interleave with
/// it. The schema version is SQLite's <c>user_version</c>; <see cref="InitializeAsync"/> converts a version 1
/// database (one <c>data</c> blob a session) and a version 2 database (no partition keys) in place, and adds
/// the partitions table to a database from before fencing.
/// </remarks>
public sealed class SqliteSessionStore : IFencedSessionStore, IAsyncDisposable, IDisposable
{
    /// <summary>The schema version this store writes and reads.</summary>
    public const int SchemaVersion = 3;

    // The expiry index needs no partition key of its own: an index of a WITHOUT ROWID table holds the
    // table's key, so a partition's cleanup filters on it inside the index.
    private const string IndexAndVersionSql = """
        CREATE INDEX IF NOT EXISTS actor_sessions_expires_at ON actor_sessions (expires_at);
        PRAGMA user_version = 3;
        """;

    private const string PartitionKeyFunction = "actor_sessions_partition_key";

    private const string PartitionsSql =
        "CREATE TABLE IF NOT EXISTS actor_session_partitions (partition INTEGER PRIMARY KEY, epoch BIGINT NOT NULL, partitions INTEGER)";

    // Every key: the range of an un-fenced read or cleanup.
    private static readonly (long First, long Last) AllKeys = (long.MinValue, long.MaxValue);

    private readonly SqliteSessionStoreOptions _options;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _writer;
    private SqliteRowWriter? _rows;
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

            if (version == 1)
            {
                MigrateFromVersion1(connection, transaction);
            }
            else if (version == 2)
            {
                MigrateFromVersion2(connection, transaction);
            }
            else if (version < 1)
            {
                Execute(connection, transaction, SessionsTableSql("actor_sessions") + ItemsTableSql("actor_session_items") + IndexAndVersionSql);
            }

            Execute(connection, transaction, PartitionsSql);
            if (Convert.ToInt64(Scalar(connection, transaction, "SELECT count(*) FROM pragma_table_info('actor_session_partitions') WHERE name = 'partitions'"), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                // A partitions table from before the count was kept: its rows' counts are unknown (null).
                Execute(connection, transaction, "ALTER TABLE actor_session_partitions ADD COLUMN partitions INTEGER");
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
    /// Raises the partition's epoch in one exclusive transaction; with a count, first every other partition's
    /// whose recorded count differs, which then carry it (a null count, from before counts were kept, is
    /// taken for the same: see <see cref="IFencedSessionStore.TakePartitionAsync(int, int, CancellationToken)"/>).
    /// </summary>
    private async Task<long> Take(int partition, int? partitions, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var connection = Writer();
            using var transaction = connection.BeginTransaction(deferred: false);
            if (partitions is { } count)
            {
                using var others = connection.CreateCommand();
                others.Transaction = transaction;
                others.CommandText =
                    "UPDATE actor_session_partitions SET epoch = epoch + 1, partitions = $partitions WHERE partition <> $partition AND partitions <> $partitions";
                others.Parameters.AddWithValue("$partition", partition);
                others.Parameters.AddWithValue("$partitions", count);
                others.ExecuteNonQuery();
            }

            using var take = connection.CreateCommand();
            take.Transaction = transaction;

            // Without a count, the one recorded is kept.
            take.CommandText =
                "INSERT INTO actor_session_partitions (partition, epoch, partitions) VALUES ($partition, 1, $partitions) " +
                "ON CONFLICT (partition) DO UPDATE SET epoch = epoch + 1, partitions = coalesce(excluded.partitions, partitions) RETURNING epoch";
            take.Parameters.AddWithValue("$partition", partition);
            take.Parameters.AddWithValue("$partitions", (object?)partitions ?? DBNull.Value);
            var epoch = Convert.ToInt64(take.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            transaction.Commit();
            return epoch;
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

    /// <summary>
    /// One commit, fenced by <paramref name="fence"/> when it is given: the epoch is read first in the write
    /// transaction, which is exclusive, so no take can come between the check and the writes.
    /// </summary>
    private async Task Commit((int Partition, long Epoch)? fence, IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var connection = Writer();
            using var transaction = connection.BeginTransaction(deferred: false);
            var statements = Rows(connection);
            if (fence is var (partition, epoch))
            {
                CheckEpoch(statements, partition, epoch);
            }

            foreach (var write in writes)
            {
                var pk = SessionPartitionKey.Of(write.Id);
                if (write.Record is not { } r)
                {
                    statements.DeleteItems(pk, write.Id);
                    statements.DeleteSession(pk, write.Id);
                }
                else if (write.Items is { } items)
                {
                    if (statements.Stamps(pk, r) == 0)
                    {
                        throw new InvalidOperationException($"A session changed has no row in {DatabasePath}, so a change to its keys cannot be written.");
                    }

                    foreach (var key in items.Removed)
                    {
                        statements.RemoveItem(pk, write.Id, key);
                    }

                    foreach (var (key, value) in items.Set)
                    {
                        statements.SetItem(pk, write.Id, key, value.AsSpan());
                    }
                }
                else
                {
                    if (!SessionDataFormat.TryDecode(r.Data, out var data, out var error))
                    {
                        throw new InvalidOperationException($"The data of a session cannot be written: {error}.");
                    }

                    statements.Upsert(pk, r);
                    statements.DeleteItems(pk, write.Id);
                    foreach (var (key, value) in data)
                    {
                        statements.SetItem(pk, write.Id, key, value.AsSpan());
                    }
                }
            }

            transaction.Commit();
        }
        catch (Exception e) when (e is not SessionStoreFencedException)
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
    public IAsyncEnumerable<SessionRecord> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        Load(AllKeys, now, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<SessionRecord> LoadAsync(int partition, int partitions, DateTimeOffset now, CancellationToken cancellationToken) =>
        Load(SessionPartitionKey.RangeOf(partition, partitions), now, cancellationToken);

    private async IAsyncEnumerable<SessionRecord> Load((long First, long Last) keys, DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // A connection of its own: in WAL mode it reads a snapshot while commits go on. Both tables are
        // read over the range of partition keys in key order (NOT INDEXED: the table itself, not the expiry
        // index), so both reads are sequential and touch no other partition's rows, and merged: a
        // session's keys are the run of item rows with its partition key and id. Stepped through SQLite's
        // own API: at a million sessions (three million rows) the data reader's cost per column was more
        // than half of the read; the columns are read as spans, and each session's keys encoded straight
        // from them into its data. Every call to SQLite blocks, and so does this read, on the caller's thread
        // (the journal reads on a thread of its own, not one of the thread pool's).
        using var reader = new SqliteRowReader(DatabasePath, _options.BusyTimeout, keys, now);
        var rows = 0;
        while (reader.NextSession() is { } record)
        {
            if (++rows % 4096 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            yield return record;
        }
    }

    /// <inheritdoc />
    public bool FindsById => true;

    /// <inheritdoc />
    public async Task<IReadOnlyList<SessionRecord>> FindAsync(IReadOnlyList<string> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var found = new List<SessionRecord>();
        if (ids.Count == 0)
        {
            return found;
        }

        // A connection of its own, as a load's: one snapshot for every id, beside the writer's commits.
        // Each id is two lookups by primary key, prepared once for the call.
        using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var snapshot = connection.BeginTransaction(deferred: true);
        using var session = connection.CreateCommand();
        session.Transaction = snapshot;
        session.CommandText =
            "SELECT created_at, last_modified, version, expires_at FROM actor_sessions WHERE partition_key = $pk AND id = $id AND expires_at > $now";
        var sessionKey = session.Parameters.Add("$pk", SqliteType.Integer);
        var sessionId = session.Parameters.Add("$id", SqliteType.Text);
        session.Parameters.AddWithValue("$now", now.UtcTicks);
        using var items = connection.CreateCommand();
        items.Transaction = snapshot;
        items.CommandText = "SELECT key, value FROM actor_session_items WHERE partition_key = $pk AND session_id = $id ORDER BY key";
        var itemsKey = items.Parameters.Add("$pk", SqliteType.Integer);
        var itemsId = items.Parameters.Add("$id", SqliteType.Text);
        session.Prepare();
        items.Prepare();
        var values = new List<KeyValuePair<byte[], byte[]>>();
        foreach (var id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(id, nameof(ids));
            sessionKey.Value = itemsKey.Value = SessionPartitionKey.Of(id);
            sessionId.Value = itemsId.Value = id;
            SessionRecord stamps;
            using (var row = session.ExecuteReader())
            {
                if (!row.Read())
                {
                    continue;
                }

                stamps = new SessionRecord(id, [], Stamp(row, 0), Stamp(row, 1), row.IsDBNull(2) ? 0 : row.GetInt64(2), Stamp(row, 3));
            }

            values.Clear();
            var broken = false;
            using (var item = items.ExecuteReader())
            {
                while (item.Read())
                {
                    if (item.GetValue(0) is byte[] key && item.GetValue(1) is byte[] value)
                    {
                        values.Add(new(key, value));
                    }
                    else
                    {
                        broken = true;
                    }
                }
            }

            // As a load reads it: a key or value of the wrong type makes data the container refuses.
            found.Add(stamps with { Data = broken ? [] : SessionDataFormat.EncodeUtf8(values) });
        }

        return found;
    }

    private static string Text(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? string.Empty : Convert.ToString(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;

    /// <inheritdoc />
    public Task<int> DeleteExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        DeleteExpired(fence: null, AllKeys, before, limit, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteExpiredAsync(int partition, int partitions, long epoch, DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        DeleteExpired((partition, epoch), SessionPartitionKey.RangeOf(partition, partitions), before, limit, cancellationToken);

    /// <summary>
    /// One cleanup transaction over the rows whose partition keys are in <paramref name="keys"/>, fenced by
    /// <paramref name="fence"/> when it is given (checked first, in the exclusive write transaction, as a commit is).
    /// </summary>
    private async Task<int> DeleteExpired((int Partition, long Epoch)? fence, (long First, long Last) keys, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var connection = Writer();
            using var transaction = connection.BeginTransaction(deferred: false);
            if (fence is var (partition, epoch))
            {
                CheckEpoch(Rows(connection), partition, epoch);
            }

            Execute(connection, transaction, """
                CREATE TEMP TABLE IF NOT EXISTS actor_sessions_expired (partition_key INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (partition_key, id)) WITHOUT ROWID;
                DELETE FROM temp.actor_sessions_expired;
                """);
            using (var select = connection.CreateCommand())
            {
                // By the expiry index, which holds the partition key: the partition's other rows are not read.
                select.Transaction = transaction;
                select.CommandText =
                    "INSERT INTO temp.actor_sessions_expired SELECT partition_key, id FROM actor_sessions INDEXED BY actor_sessions_expires_at " +
                    "WHERE expires_at < $before AND partition_key BETWEEN $first AND $last LIMIT $limit";
                select.Parameters.AddWithValue("$before", before.UtcTicks);
                select.Parameters.AddWithValue("$first", keys.First);
                select.Parameters.AddWithValue("$last", keys.Last);
                select.Parameters.AddWithValue("$limit", limit);
                select.ExecuteNonQuery();
            }

            Execute(connection, transaction, "DELETE FROM actor_session_items WHERE (partition_key, session_id) IN (SELECT partition_key, id FROM temp.actor_sessions_expired)");
            using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM actor_sessions WHERE (partition_key, id) IN (SELECT partition_key, id FROM temp.actor_sessions_expired)";
            var deleted = delete.ExecuteNonQuery();
            transaction.Commit();
            return deleted;
        }
        catch (Exception e) when (e is not SessionStoreFencedException)
        {
            DropWriter();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Throws <see cref="SessionStoreFencedException"/> unless <paramref name="partition"/>'s epoch is <paramref name="epoch"/>.</summary>
    private static void CheckEpoch(SqliteRowWriter rows, int partition, long epoch)
    {
        var current = rows.Epoch(partition);
        if (current != epoch)
        {
            throw new SessionStoreFencedException(partition, epoch, current);
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

    private static string SessionsTableSql(string name) => $"""
        CREATE TABLE IF NOT EXISTS {name} (
            partition_key INTEGER NOT NULL,
            id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            last_modified INTEGER NOT NULL,
            version INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (partition_key, id)) WITHOUT ROWID;
        """;

    private static string ItemsTableSql(string name) => $"""
        CREATE TABLE IF NOT EXISTS {name} (
            partition_key INTEGER NOT NULL,
            session_id TEXT NOT NULL,
            key BLOB NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (partition_key, session_id, key)) WITHOUT ROWID;
        """;

    /// <summary>
    /// Version 1 kept each session's keys in one <c>data</c> blob: each row becomes its stamps and a row a
    /// key, in the same transaction, straight into the current schema. A row whose blob cannot be decoded
    /// (which the container would treat as no session) is not carried over.
    /// </summary>
    private static void MigrateFromVersion1(SqliteConnection connection, SqliteTransaction transaction)
    {
        Execute(connection, transaction, SessionsTableSql("actor_sessions_v3") + ItemsTableSql("actor_session_items"));
        using (var statements = new SqliteRowWriter(connection, sessions: "actor_sessions_v3"))
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT id, data, created_at, last_modified, version, expires_at FROM actor_sessions";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                var data = reader.IsDBNull(1) ? null : reader.GetValue(1) as byte[];
                if (reader.IsDBNull(0) || data is null || !SessionDataFormat.TryDecode(data, out var items, out _))
                {
                    continue;
                }

                var id = Text(reader, 0);
                var pk = SessionPartitionKey.Of(id);
                statements.Upsert(pk, new SessionRecord(id, [], Stamp(reader, 2), Stamp(reader, 3), reader.IsDBNull(4) ? 0 : reader.GetInt64(4), Stamp(reader, 5)));
                foreach (var (key, value) in items)
                {
                    statements.SetItem(pk, id, key, value.AsSpan());
                }
            }
        }

        Execute(connection, transaction, """
            DROP TABLE actor_sessions;
            ALTER TABLE actor_sessions_v3 RENAME TO actor_sessions;
            """ + IndexAndVersionSql);
    }

    /// <summary>
    /// Version 2 kept the rows keyed by id alone: both tables are rebuilt keyed by partition key first, the
    /// keys computed by a function of this connection, in one statement a table, in the transaction of
    /// <see cref="InitializeAsync"/>. Every row is carried over as it is.
    /// </summary>
    private static void MigrateFromVersion2(SqliteConnection connection, SqliteTransaction transaction)
    {
        connection.CreateFunction<string, long>(PartitionKeyFunction, SessionPartitionKey.Of, isDeterministic: true);
        Execute(connection, transaction, SessionsTableSql("actor_sessions_v3") + ItemsTableSql("actor_session_items_v3") + $"""
            INSERT INTO actor_sessions_v3 (partition_key, id, created_at, last_modified, version, expires_at)
                SELECT {PartitionKeyFunction}(id), id, created_at, last_modified, version, expires_at FROM actor_sessions ORDER BY 1, 2;
            INSERT INTO actor_session_items_v3 (partition_key, session_id, key, value)
                SELECT {PartitionKeyFunction}(session_id), session_id, key, value FROM actor_session_items ORDER BY 1, 2, 3;
            DROP TABLE actor_sessions;
            DROP TABLE actor_session_items;
            ALTER TABLE actor_sessions_v3 RENAME TO actor_sessions;
            ALTER TABLE actor_session_items_v3 RENAME TO actor_session_items;
            """ + IndexAndVersionSql);
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

    /// <summary>The writer's statements, prepared at its first write (after the schema exists). Under the gate.</summary>
    private SqliteRowWriter Rows(SqliteConnection connection) => _rows ??= new SqliteRowWriter(connection);

    private void DropWriter()
    {
        // The statements first: SQLite keeps a connection open while any of its statements is.
        _rows?.Dispose();
        _rows = null;
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
