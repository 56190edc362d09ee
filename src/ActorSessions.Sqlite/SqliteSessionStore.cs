using ActorSessions.Storage;
using System.Collections.Immutable;
using System.Data;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
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
/// Table <c>actor_sessions</c>: <c>id</c> (key), <c>created_at</c>, <c>last_modified</c>, <c>version</c>,
/// <c>expires_at</c> (indexed); times are UTC ticks (100 ns since 0001-01-01). Table
/// <c>actor_session_items</c>: <c>session_id</c>, <c>key</c> (its UTF-8 bytes), <c>value</c>, keyed by
/// (<c>session_id</c>, <c>key</c>). Both are <c>WITHOUT ROWID</c>, so reading them in id order is
/// sequential. Table <c>actor_session_partitions</c>: <c>partition</c> (key), <c>epoch</c>, the fence of
/// <see cref="IFencedSessionStore"/>; a fenced commit reads it in its write transaction, which is exclusive
/// (<c>BEGIN IMMEDIATE</c>) across every connection to the file, so a take cannot interleave with it. The
/// schema version is SQLite's <c>user_version</c>; a version 1 database (one <c>data</c> blob a session) is
/// converted in place by <see cref="InitializeAsync"/>, and a version 2 database from before fencing gets the
/// partitions table added (an added table needs no new version).
/// </remarks>
public sealed class SqliteSessionStore : IFencedSessionStore, IAsyncDisposable, IDisposable
{
    /// <summary>The schema version this store writes and reads.</summary>
    public const int SchemaVersion = 2;

    private const string CreateSql = """
        CREATE TABLE IF NOT EXISTS actor_sessions (
            id TEXT NOT NULL PRIMARY KEY,
            created_at INTEGER NOT NULL,
            last_modified INTEGER NOT NULL,
            version INTEGER NOT NULL,
            expires_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS actor_sessions_expires_at ON actor_sessions (expires_at);
        CREATE TABLE IF NOT EXISTS actor_session_items (
            session_id TEXT NOT NULL,
            key BLOB NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (session_id, key)) WITHOUT ROWID;
        PRAGMA user_version = 2;
        """;

    private const string PartitionsSql =
        "CREATE TABLE IF NOT EXISTS actor_session_partitions (partition INTEGER PRIMARY KEY, epoch BIGINT NOT NULL)";

    private const string UpsertSql =
        "INSERT INTO actor_sessions (id, created_at, last_modified, version, expires_at) VALUES ($id, $created, $modified, $version, $expires) " +
        "ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, last_modified = excluded.last_modified, version = excluded.version, expires_at = excluded.expires_at";

    private const string StampsSql =
        "UPDATE actor_sessions SET created_at = $created, last_modified = $modified, version = $version, expires_at = $expires WHERE id = $id";

    private const string SetItemSql =
        "INSERT INTO actor_session_items (session_id, key, value) VALUES ($id, $key, $value) ON CONFLICT (session_id, key) DO UPDATE SET value = excluded.value";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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

            if (version == 1)
            {
                MigrateFromVersion1(connection, transaction);
            }
            else if (version < 1)
            {
                Execute(connection, transaction, CreateSql);
            }

            Execute(connection, transaction, PartitionsSql);
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
    public async Task<long> TakePartitionAsync(int partition, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var connection = Writer();
            using var transaction = connection.BeginTransaction(deferred: false);
            using var take = connection.CreateCommand();
            take.Transaction = transaction;
            take.CommandText =
                "INSERT INTO actor_session_partitions (partition, epoch) VALUES ($partition, 1) " +
                "ON CONFLICT (partition) DO UPDATE SET epoch = epoch + 1 RETURNING epoch";
            take.Parameters.AddWithValue("$partition", partition);
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
            if (fence is var (partition, epoch))
            {
                using var check = connection.CreateCommand();
                check.Transaction = transaction;
                check.CommandText = "SELECT epoch FROM actor_session_partitions WHERE partition = $partition";
                check.Parameters.AddWithValue("$partition", partition);
                var current = check.ExecuteScalar() is { } found ? Convert.ToInt64(found, System.Globalization.CultureInfo.InvariantCulture) : 0;
                if (current != epoch)
                {
                    throw new SessionStoreFencedException(partition, epoch, current);
                }
            }

            using var statements = new WriteStatements(connection, transaction);
            foreach (var write in writes)
            {
                if (write.Record is not { } r)
                {
                    statements.DeleteItems(write.Id);
                    statements.DeleteSession(write.Id);
                }
                else if (write.Items is { } items)
                {
                    if (statements.Stamps(r) == 0)
                    {
                        throw new InvalidOperationException($"The session {write.Id} has no row in {DatabasePath}, so a change to its keys cannot be written.");
                    }

                    foreach (var key in items.Removed)
                    {
                        statements.RemoveItem(write.Id, StrictUtf8.GetBytes(key));
                    }

                    foreach (var (key, value) in items.Set)
                    {
                        statements.SetItem(write.Id, StrictUtf8.GetBytes(key), value);
                    }
                }
                else
                {
                    if (!SessionDataFormat.TryDecode(r.Data, out var data, out var error))
                    {
                        throw new InvalidOperationException($"The data of session {write.Id} cannot be written: {error}.");
                    }

                    statements.Upsert(r);
                    statements.DeleteItems(write.Id);
                    foreach (var (key, value) in data)
                    {
                        statements.SetItem(write.Id, StrictUtf8.GetBytes(key), value);
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
    public async IAsyncEnumerable<SessionRecord> LoadAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // A connection of its own: in WAL mode it reads a snapshot while commits go on. Both tables are
        // scanned in key order (NOT INDEXED: the table itself, not the expiry index), so both reads are
        // sequential, and merged: a session's keys are the run of item rows with its id.
        using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var snapshot = connection.BeginTransaction(deferred: true);
        using var sessions = connection.CreateCommand();
        sessions.Transaction = snapshot;
        sessions.CommandText = "SELECT id, created_at, last_modified, version, expires_at FROM actor_sessions NOT INDEXED WHERE expires_at > $now ORDER BY id";
        sessions.Parameters.AddWithValue("$now", now.UtcTicks);
        using var items = connection.CreateCommand();
        items.Transaction = snapshot;
        items.CommandText = "SELECT session_id, key, value FROM actor_session_items ORDER BY session_id, key";
        using var session = await sessions.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        using var item = await items.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<KeyValuePair<byte[], byte[]>>();
        var itemId = Next(item);
        while (await session.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = session.IsDBNull(0) ? string.Empty : Convert.ToString(session.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;

            // Keys of sessions not loaded (expired) come first in the merge; they are passed over.
            while (itemId is not null && InKeyOrder(itemId, id) < 0)
            {
                itemId = Next(item);
            }

            keys.Clear();
            var broken = false;
            while (itemId is not null && string.Equals(itemId, id, StringComparison.Ordinal))
            {
                if (item.GetValue(1) is byte[] key && item.GetValue(2) is byte[] value)
                {
                    keys.Add(new(key, value));
                }
                else
                {
                    broken = true;
                }

                itemId = Next(item);
            }

            // A key or value of the wrong type makes data the container refuses (it counts the row as
            // unreadable), never a session with a key missing; so does a key that is not UTF-8.
            var data = broken ? [] : SessionDataFormat.EncodeUtf8(keys);
            yield return new SessionRecord(id, data, Stamp(session, 1), Stamp(session, 2), session.IsDBNull(3) ? 0 : session.GetInt64(3), Stamp(session, 4));
        }
    }

    private static string? Next(SqliteDataReader items) =>
        !items.Read() ? null : items.IsDBNull(0) ? string.Empty : Convert.ToString(items.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>
    /// The order of SQLite's BINARY collation (the bytes of UTF-8), which is the order of code points:
    /// UTF-16's own order but for the surrogates, whose code points come after every other character's.
    /// </summary>
    private static int InKeyOrder(string a, string b)
    {
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            char x = a[i], y = b[i];
            if (x != y)
            {
                var (xs, ys) = (char.IsSurrogate(x), char.IsSurrogate(y));
                return xs == ys ? x.CompareTo(y) : xs ? 1 : -1;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    /// <inheritdoc />
    public async Task<int> DeleteExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = Writer();
            using var transaction = connection.BeginTransaction(deferred: false);
            Execute(connection, transaction, """
                CREATE TEMP TABLE IF NOT EXISTS actor_sessions_expired (id TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID;
                DELETE FROM temp.actor_sessions_expired;
                """);
            using (var select = connection.CreateCommand())
            {
                select.Transaction = transaction;
                select.CommandText = "INSERT INTO temp.actor_sessions_expired SELECT id FROM actor_sessions WHERE expires_at < $before LIMIT $limit";
                select.Parameters.AddWithValue("$before", before.UtcTicks);
                select.Parameters.AddWithValue("$limit", limit);
                select.ExecuteNonQuery();
            }

            Execute(connection, transaction, "DELETE FROM actor_session_items WHERE session_id IN (SELECT id FROM temp.actor_sessions_expired)");
            using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM actor_sessions WHERE id IN (SELECT id FROM temp.actor_sessions_expired)";
            var deleted = delete.ExecuteNonQuery();
            transaction.Commit();
            return deleted;
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

    /// <summary>
    /// Version 1 kept each session's keys in one <c>data</c> blob: each row becomes its stamps and a row a
    /// key, in the same transaction. A row whose blob cannot be decoded (which the container would treat
    /// as no session) is not carried over.
    /// </summary>
    private static void MigrateFromVersion1(SqliteConnection connection, SqliteTransaction transaction)
    {
        Execute(connection, transaction, """
            CREATE TABLE actor_sessions_v2 (
                id TEXT NOT NULL PRIMARY KEY,
                created_at INTEGER NOT NULL,
                last_modified INTEGER NOT NULL,
                version INTEGER NOT NULL,
                expires_at INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS actor_session_items (
                session_id TEXT NOT NULL,
                key BLOB NOT NULL,
                value BLOB NOT NULL,
                PRIMARY KEY (session_id, key)) WITHOUT ROWID;
            """);
        using (var statements = new WriteStatements(connection, transaction, sessions: "actor_sessions_v2"))
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

                var id = Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                statements.Upsert(new SessionRecord(id, [], Stamp(reader, 2), Stamp(reader, 3), reader.IsDBNull(4) ? 0 : reader.GetInt64(4), Stamp(reader, 5)));
                foreach (var (key, value) in items)
                {
                    statements.SetItem(id, StrictUtf8.GetBytes(key), value);
                }
            }
        }

        Execute(connection, transaction, """
            DROP TABLE actor_sessions;
            ALTER TABLE actor_sessions_v2 RENAME TO actor_sessions;
            CREATE INDEX actor_sessions_expires_at ON actor_sessions (expires_at);
            PRAGMA user_version = 2;
            """);
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

    /// <summary>The prepared statements of one write transaction.</summary>
    private sealed class WriteStatements : IDisposable
    {
        private readonly SqliteCommand _upsert;
        private readonly SqliteCommand _stamps;
        private readonly SqliteCommand _deleteSession;
        private readonly SqliteCommand _deleteItems;
        private readonly SqliteCommand _setItem;
        private readonly SqliteCommand _removeItem;

        public WriteStatements(SqliteConnection connection, SqliteTransaction transaction, string sessions = "actor_sessions")
        {
            _upsert = Prepare(connection, transaction, UpsertSql.Replace("actor_sessions", sessions, StringComparison.Ordinal), "$id", "$created", "$modified", "$version", "$expires");
            _stamps = Prepare(connection, transaction, StampsSql, "$id", "$created", "$modified", "$version", "$expires");
            _deleteSession = Prepare(connection, transaction, "DELETE FROM actor_sessions WHERE id = $id", "$id");
            _deleteItems = Prepare(connection, transaction, "DELETE FROM actor_session_items WHERE session_id = $id", "$id");
            _setItem = Prepare(connection, transaction, SetItemSql, "$id", "$key", "$value");
            _removeItem = Prepare(connection, transaction, "DELETE FROM actor_session_items WHERE session_id = $id AND key = $key", "$id", "$key");
        }

        public void Upsert(SessionRecord r) => Run(_upsert, r.Id, r.CreatedAt.UtcTicks, r.LastModified.UtcTicks, r.Version, r.ExpiresAt.UtcTicks);

        /// <summary>Writes the stamps of a row the table holds; returns 0 when it holds none.</summary>
        public int Stamps(SessionRecord r) => Run(_stamps, r.Id, r.CreatedAt.UtcTicks, r.LastModified.UtcTicks, r.Version, r.ExpiresAt.UtcTicks);

        public void DeleteSession(string id) => Run(_deleteSession, id);

        public void DeleteItems(string id) => Run(_deleteItems, id);

        // The value's own array, not a copy: SQLite copies it when it binds.
        public void SetItem(string id, byte[] key, ImmutableArray<byte> value) => Run(_setItem, id, key, ImmutableCollectionsMarshal.AsArray(value)!);

        public void RemoveItem(string id, byte[] key) => Run(_removeItem, id, key);

        public void Dispose()
        {
            foreach (var command in new[] { _upsert, _stamps, _deleteSession, _deleteItems, _setItem, _removeItem })
            {
                command.Dispose();
            }
        }

        private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            foreach (var name in names)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            // Compiled once a transaction, like the statements a commit runs thousands of times.
            command.Prepare();
            return command;
        }

        private static int Run(SqliteCommand command, params object[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i];
            }

            return command.ExecuteNonQuery();
        }
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
