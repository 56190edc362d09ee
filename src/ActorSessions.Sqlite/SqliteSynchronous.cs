namespace ActorSessions.Sqlite;

/// <summary>SQLite's <c>PRAGMA synchronous</c> in WAL mode: how hard a commit waits for the disk.</summary>
public enum SqliteSynchronous
{
    /// <summary>Every commit is synced to disk: it survives a crash of the process and a power loss.</summary>
    Full,

    /// <summary>Commits survive a crash of the process; a power loss may undo the last ones. Faster.</summary>
    Normal,
}
