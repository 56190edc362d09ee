using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore;

/// <summary>The middleware's log lines, with event ids. None carries a session id: it is a bearer secret.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "The session could not be loaded; this request runs without it (reads find nothing, writes are refused with 503).")]
    public static partial void LoadFailed(ILogger logger, Exception error);

    [LoggerMessage(2, LogLevel.Error, "The session changes of this request could not be stored; it is answered 503 and nothing was changed.")]
    public static partial void CommitFailed(ILogger logger, Exception error);

    [LoggerMessage(3, LogLevel.Error, "The session changes of this request were refused ({StatusCode}) after its response had started; the connection is aborted rather than completed as a success.")]
    public static partial void AbortedAfterStart(ILogger logger, int statusCode);
}
