using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorSessions.Sqlite;

/// <summary>
/// The calls into SQLite's own API (SQLitePCLRaw) that the store's reader and writer share, with SQLite's
/// errors thrown as Microsoft.Data.Sqlite throws them (<see cref="SqliteException"/>, SQLite's message).
/// </summary>
internal static class SqliteNative
{
    /// <summary>Steps <paramref name="statement"/>: <see langword="true"/> on a row, <see langword="false"/> at its end; throws on an error.</summary>
    public static bool Step(sqlite3 db, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }

        return false;
    }

    /// <summary>Compiles <paramref name="sql"/> on <paramref name="db"/>, with SQLite's <c>SQLITE_PREPARE_*</c> <paramref name="flags"/>.</summary>
    public static sqlite3_stmt Prepare(sqlite3 db, string sql, uint flags = 0)
    {
        var rc = raw.sqlite3_prepare_v3(db, sql, flags, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, db);
        }

        return statement!;
    }

    /// <summary>Throws unless <paramref name="rc"/> is <c>SQLITE_OK</c>.</summary>
    public static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }
}
