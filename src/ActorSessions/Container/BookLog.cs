using Microsoft.Extensions.Logging;

namespace ActorSessions;

/// <summary>The book's log lines, generated, with stable event ids (1000–1099).</summary>
internal static partial class BookLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "The session factory threw {ExceptionType}: {Reason}; no session was created.")]
    public static partial void SessionFactoryFailed(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "The session factory made a session over the limits; no session was created: {Reason}")]
    public static partial void FactorySessionTooLarge(ILogger logger, string reason);
}
