using System.Text;
using ActorSessions.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorSessions.Sqlite;

/// <summary>
/// The statements of the store's writes, prepared once on the writer's connection and stepped through
/// SQLite's own API (SQLitePCLRaw, which Microsoft.Data.Sqlite runs on) inside the transactions the
/// connection begins. Through <see cref="SqliteCommand"/> a commit of ten one-key changes spent about a
/// third of its CPU outside SQLite's work: parsing its six statements again each transaction, binding
/// every parameter by its name, and the data reader each execution runs through.
/// </summary>
/// <remarks>
/// Each statement is reset after its step, so none holds a read open at the transaction's commit; a
/// statement prepared before a migration of the schema is prepared again by SQLite when it next runs.
/// Keys are bound as BLOBs of their UTF-8 bytes, as the schema keeps them; ids as text.
/// </remarks>
internal sealed class SqliteRowWriter : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly sqlite3 _db;
    private readonly List<sqlite3_stmt> _prepared = [];
    private sqlite3_stmt? _epoch;
    private readonly sqlite3_stmt _upsert;
    private readonly sqlite3_stmt _stamps;
    private readonly sqlite3_stmt _deleteSession;
    private readonly sqlite3_stmt _deleteItems;
    private readonly sqlite3_stmt _setItem;
    private readonly sqlite3_stmt _removeItem;

    // The current write's id and a key, as UTF-8; grown when one does not fit.
    private byte[] _id = new byte[64];
    private byte[] _key = new byte[256];

    /// <param name="connection">The writer's open connection.</param>
    /// <param name="sessions">The sessions table: another name while a migration builds it.</param>
    public SqliteRowWriter(SqliteConnection connection, string sessions = "actor_sessions")
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The writer's connection is not open.");
        try
        {
            _upsert = Prepare(
                $"INSERT INTO {sessions} (partition_key, id, created_at, last_modified, version, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) " +
                "ON CONFLICT (partition_key, id) DO UPDATE SET created_at = excluded.created_at, last_modified = excluded.last_modified, version = excluded.version, expires_at = excluded.expires_at");
            _stamps = Prepare($"UPDATE {sessions} SET created_at = ?3, last_modified = ?4, version = ?5, expires_at = ?6 WHERE partition_key = ?1 AND id = ?2");
            _deleteSession = Prepare($"DELETE FROM {sessions} WHERE partition_key = ?1 AND id = ?2");
            _deleteItems = Prepare("DELETE FROM actor_session_items WHERE partition_key = ?1 AND session_id = ?2");
            _setItem = Prepare(
                "INSERT INTO actor_session_items (partition_key, session_id, key, value) VALUES (?1, ?2, ?3, ?4) " +
                "ON CONFLICT (partition_key, session_id, key) DO UPDATE SET value = excluded.value");
            _removeItem = Prepare("DELETE FROM actor_session_items WHERE partition_key = ?1 AND session_id = ?2 AND key = ?3");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The partition's epoch in the fence table, 0 when it has no row.</summary>
    public long Epoch(int partition)
    {
        // Prepared at its first use: a migration's writer runs before the fence table exists.
        _epoch ??= Prepare("SELECT epoch FROM actor_session_partitions WHERE partition = ?1");
        Bind(_epoch, 1, partition);
        try
        {
            return Step(_epoch) ? raw.sqlite3_column_int64(_epoch, 0) : 0;
        }
        finally
        {
            raw.sqlite3_reset(_epoch);
        }
    }

    /// <summary>Inserts or replaces the session's row (its stamps).</summary>
    public void Upsert(long pk, SessionRecord r) => Run(BindStamps(_upsert, pk, r));

    /// <summary>Writes the stamps of a row the table holds; returns 0 when it holds none.</summary>
    public int Stamps(long pk, SessionRecord r) => Run(BindStamps(_stamps, pk, r));

    public void DeleteSession(long pk, string id) => Run(BindSession(_deleteSession, pk, id));

    public void DeleteItems(long pk, string id) => Run(BindSession(_deleteItems, pk, id));

    public void SetItem(long pk, string id, string key, ReadOnlySpan<byte> value)
    {
        var statement = BindSession(_setItem, pk, id);
        BindKey(statement, key);
        Check(raw.sqlite3_bind_blob(statement, 4, value));
        Run(statement);
    }

    public void RemoveItem(long pk, string id, string key)
    {
        var statement = BindSession(_removeItem, pk, id);
        BindKey(statement, key);
        Run(statement);
    }

    public void Dispose()
    {
        // Before the connection closes: a statement left unfinalized keeps it open.
        foreach (var statement in _prepared)
        {
            statement.Dispose();
        }

        _prepared.Clear();
    }

    private sqlite3_stmt BindStamps(sqlite3_stmt statement, long pk, SessionRecord r)
    {
        BindSession(statement, pk, r.Id);
        Bind(statement, 3, r.CreatedAt.UtcTicks);
        Bind(statement, 4, r.LastModified.UtcTicks);
        Bind(statement, 5, r.Version);
        Bind(statement, 6, r.ExpiresAt.UtcTicks);
        return statement;
    }

    private sqlite3_stmt BindSession(sqlite3_stmt statement, long pk, string id)
    {
        Bind(statement, 1, pk);
        var length = Encode(id, ref _id);
        Check(raw.sqlite3_bind_text(statement, 2, _id.AsSpan(0, length)));
        return statement;
    }

    private void BindKey(sqlite3_stmt statement, string key)
    {
        var length = Encode(key, ref _key);
        Check(raw.sqlite3_bind_blob(statement, 3, _key.AsSpan(0, length)));
    }

    /// <summary>The UTF-8 bytes of <paramref name="text"/> into <paramref name="buffer"/>; throws for text that is not valid UTF-16.</summary>
    private static int Encode(string text, ref byte[] buffer)
    {
        var most = StrictUtf8.GetMaxByteCount(text.Length);
        if (most > buffer.Length)
        {
            buffer = new byte[Math.Max(most, buffer.Length * 2)];
        }

        return StrictUtf8.GetBytes(text, buffer);
    }

    /// <summary>Steps a write to its end and resets it; returns the rows it changed.</summary>
    private int Run(sqlite3_stmt statement)
    {
        try
        {
            Step(statement);
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    // Persistent: kept for the writer's whole life, so SQLite does not take them from its lookaside memory.
    private sqlite3_stmt Prepare(string sql)
    {
        var statement = SqliteNative.Prepare(_db, sql, raw.SQLITE_PREPARE_PERSISTENT);
        _prepared.Add(statement);
        return statement;
    }

    private void Bind(sqlite3_stmt statement, int index, long value) => Check(raw.sqlite3_bind_int64(statement, index, value));

    private bool Step(sqlite3_stmt statement) => SqliteNative.Step(_db, statement);

    private void Check(int rc) => SqliteNative.Check(_db, rc);
}
