using Microsoft.Extensions.Logging;

namespace ActorSessions;

/// <summary>The container's own log lines, generated, with stable event ids (1200–1299).</summary>
internal static partial class ContainerLog
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "The session container failed to handle {MessageType}; it keeps running with its sessions.")]
    public static partial void HandlerFailed(ILogger logger, Exception error, string messageType);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "The session container failed to handle {MessageType} in a batch; the rest of the batch is served.")]
    public static partial void BatchEntryFailed(ILogger logger, Exception error, string? messageType);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "The session container is still recovering and holds {Waiting} requests already; a request is refused.")]
    public static partial void RecoveryBufferFull(ILogger logger, int waiting);
}
