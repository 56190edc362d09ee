using System.Text;
using ActorSessions.Storage;
using SQLitePCL;

namespace ActorSessions.Sqlite;

/// <summary>
/// Reads the live sessions of a range of partition keys with their keys, for <see cref="SqliteSessionStore.LoadAsync(DateTimeOffset, CancellationToken)"/>:
/// the sessions table and the items table, both in key order, merged. Stepped through SQLite's own API
/// (SQLitePCLRaw, which Microsoft.Data.Sqlite runs on) and read as spans: each session's keys are
/// encoded straight from SQLite's buffers into its data (<see cref="SessionDataFormat"/>), one array a
/// session instead of two a key and the session's.
/// </summary>
/// <remarks>
/// It opens a connection of its own, without SQLite's per-call mutex (<c>SQLITE_OPEN_NOMUTEX</c>): the
/// reader is used by one caller at a time, and the mutex SQLite otherwise takes on every column read cost
/// a fifth of the read. The connection reads in one transaction, a snapshot in WAL mode while commits go on.
/// </remarks>
internal sealed class SqliteRowReader : IDisposable
{
    private const byte FormatVersion = 1;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _sessions = null!;
    private readonly sqlite3_stmt _items = null!;

    // Whether the items statement stands on a row, and that row's partition key.
    private bool _onItem;
    private long _itemKey;

    // The current session's id as UTF-8 (the BINARY collation compares these bytes), and its keys encoded.
    private byte[] _id = new byte[64];
    private int _idLength;
    private byte[] _entries = new byte[1024];
    private int _entriesLength;

    public SqliteRowReader(string path, TimeSpan busyTimeout, (long First, long Last) keys, DateTimeOffset now)
    {
        // Microsoft.Data.Sqlite initializes SQLitePCLRaw when its first connection opens; this may be the first.
        Batteries_V2.Init();
        var rc = raw.sqlite3_open_v2(path, out _db, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_NOMUTEX, null);
        try
        {
            Check(rc);
            Check(raw.sqlite3_busy_timeout(_db, (int)Math.Min(int.MaxValue, busyTimeout.TotalMilliseconds)));
            Check(raw.sqlite3_exec(_db, "BEGIN"));
            _sessions = Prepare(
                "SELECT partition_key, id, created_at, last_modified, version, expires_at FROM actor_sessions NOT INDEXED " +
                "WHERE partition_key BETWEEN ?1 AND ?2 AND expires_at > ?3 ORDER BY partition_key, id");
            _items = Prepare(
                "SELECT partition_key, session_id, key, value FROM actor_session_items " +
                "WHERE partition_key BETWEEN ?1 AND ?2 ORDER BY partition_key, session_id, key");
            Bind(_sessions, 1, keys.First);
            Bind(_sessions, 2, keys.Last);
            Bind(_sessions, 3, now.UtcTicks);
            Bind(_items, 1, keys.First);
            Bind(_items, 2, keys.Last);
            NextItem();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The next live session with its keys, or <see langword="null"/> after the last.</summary>
    public SessionRecord? NextSession()
    {
        if (!Step(_sessions))
        {
            return null;
        }

        var key = raw.sqlite3_column_int64(_sessions, 0);
        var id = raw.sqlite3_column_blob(_sessions, 1);
        if (id.Length > _id.Length)
        {
            _id = new byte[Math.Max(id.Length, _id.Length * 2)];
        }

        id.CopyTo(_id);
        _idLength = id.Length;

        // Keys of sessions not loaded (expired) come first in the merge; they are passed over.
        while (_onItem && CompareItem(key) < 0)
        {
            NextItem();
        }

        _entriesLength = 0;
        var count = 0;
        var broken = false;
        while (_onItem && CompareItem(key) == 0)
        {
            // A key or value of the wrong type makes data the container refuses (it counts the row as
            // unreadable), never a session with a key missing; so does a key that is not UTF-8.
            if (raw.sqlite3_column_type(_items, 2) == raw.SQLITE_BLOB && raw.sqlite3_column_type(_items, 3) == raw.SQLITE_BLOB)
            {
                Append(raw.sqlite3_column_blob(_items, 2));
                Append(raw.sqlite3_column_blob(_items, 3));
                count++;
            }
            else
            {
                broken = true;
            }

            NextItem();
        }

        return new SessionRecord(
            Encoding.UTF8.GetString(_id, 0, _idLength),
            broken ? [] : Data(count),
            Stamp(raw.sqlite3_column_int64(_sessions, 2)),
            Stamp(raw.sqlite3_column_int64(_sessions, 3)),
            raw.sqlite3_column_int64(_sessions, 4),
            Stamp(raw.sqlite3_column_int64(_sessions, 5)));
    }

    public void Dispose()
    {
        // Null only when the constructor failed before preparing them.
        _items?.Dispose();
        _sessions?.Dispose();

        // Closing ends the read transaction (a read has nothing to commit).
        _db.Dispose();
    }

    private static DateTimeOffset Stamp(long ticks) =>
        new(Math.Clamp(ticks, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);

    private static int VarIntSize(int value)
    {
        var size = 1;
        for (var v = (uint)value; v >= 0x80; v >>= 7)
        {
            size++;
        }

        return size;
    }

    private static int WriteVarInt(Span<byte> span, int value)
    {
        var i = 0;
        var v = (uint)value;
        for (; v >= 0x80; v >>= 7)
        {
            span[i++] = (byte)(v | 0x80);
        }

        span[i++] = (byte)v;
        return i;
    }

    /// <summary>The item row's key against the current session's: partition key, then the id's bytes.</summary>
    private int CompareItem(long key) =>
        _itemKey != key ? _itemKey.CompareTo(key) : raw.sqlite3_column_blob(_items, 1).SequenceCompareTo(_id.AsSpan(0, _idLength));

    /// <summary>One length-prefixed part of a key's entry: its UTF-8 bytes, or its value.</summary>
    private void Append(ReadOnlySpan<byte> bytes)
    {
        var needed = _entriesLength + 5 + bytes.Length;
        if (needed > _entries.Length)
        {
            Array.Resize(ref _entries, Math.Max(needed, _entries.Length * 2));
        }

        _entriesLength += WriteVarInt(_entries.AsSpan(_entriesLength), bytes.Length);
        bytes.CopyTo(_entries.AsSpan(_entriesLength));
        _entriesLength += bytes.Length;
    }

    /// <summary>The session's data as <see cref="SessionDataFormat"/> lays it out: the format, the number of keys, the entries.</summary>
    private byte[] Data(int count)
    {
        var data = new byte[1 + VarIntSize(count) + _entriesLength];
        data[0] = FormatVersion;
        var at = 1 + WriteVarInt(data.AsSpan(1), count);
        _entries.AsSpan(0, _entriesLength).CopyTo(data.AsSpan(at));
        return data;
    }

    private void NextItem()
    {
        _onItem = Step(_items);
        if (_onItem)
        {
            _itemKey = raw.sqlite3_column_int64(_items, 0);
        }
    }

    private sqlite3_stmt Prepare(string sql) => SqliteNative.Prepare(_db, sql);

    private void Bind(sqlite3_stmt statement, int index, long value) => Check(raw.sqlite3_bind_int64(statement, index, value));

    private bool Step(sqlite3_stmt statement) => SqliteNative.Step(_db, statement);

    private void Check(int rc) => SqliteNative.Check(_db, rc);
}
