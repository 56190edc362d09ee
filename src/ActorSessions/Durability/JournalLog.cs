using Microsoft.Extensions.Logging;

namespace ActorSessions.Durability;

/// <summary>The journal's log lines, generated, with stable event ids (1100–1199). Ids of sessions never appear: a row is named by a hash.</summary>
internal static partial class JournalLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "The session store failed a commit of {Writes} writes ({ExceptionType}: {Reason}); they and the writes queued behind them are undone and answered with a failure. Writes fail until the store is back; reads go on.")]
    public static partial void CommitFailed(ILogger logger, int writes, string exceptionType, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "The session store is still unavailable ({Reason}); next try in {WaitMs} ms.")]
    public static partial void StillUnavailable(ILogger logger, string reason, long waitMs);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "The session store is available again; writes are accepted.")]
    public static partial void Back(ILogger logger);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "The session container recovered {Sessions} sessions from its store in {ElapsedMs} ms ({Unreadable} unreadable rows skipped).")]
    public static partial void Recovered(ILogger logger, int sessions, long elapsedMs, int unreadable);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "The session container cannot recover its sessions from the store; requests fail until it can. Retrying in {WaitMs} ms.")]
    public static partial void RecoveryFailed(ILogger logger, Exception error, long waitMs);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "The stored session {IdHash} cannot be read ({Reason}); it is treated as no session.")]
    public static partial void UnreadableRow(ILogger logger, string idHash, string? reason);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "The session store's cleanup failed ({Reason}); it is tried again with the next cleanup.")]
    public static partial void CleanupFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Debug, Message = "The session store's cleanup deleted {Deleted} expired rows.")]
    public static partial void CleanedUp(ILogger logger, int deleted);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Error, Message = "Partition {Partition} of the sessions was taken by another writer (epoch {CurrentEpoch}; this container held {HeldEpoch}): this copy is stale, writes nothing more and serves no request.")]
    public static partial void Fenced(ILogger logger, int partition, long heldEpoch, long currentEpoch);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Reading the rest of the stored sessions failed; the container serves on, reading each session it lacks by its id, and reads the rest again in {WaitMs} ms.")]
    public static partial void RecoveryReadFailed(ILogger logger, Exception error, long waitMs);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Warning, Message = "Reading {Sessions} sessions by id from the store failed ({ExceptionType}: {Reason}); the requests about them are answered with a failure.")]
    public static partial void FindFailed(ILogger logger, int sessions, string exceptionType, string reason);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Error, Message = "The session journal failed and restarted; the writes it held are undone, and it probes the store before it takes writes again.")]
    public static partial void Restarted(ILogger logger, Exception error);
}
