using Akka.Event;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using Microsoft.Extensions.Logging;

namespace ActorSessions;

/// <summary>An <see cref="ILogger"/> that writes to an actor's Akka log, for a container given no <see cref="ILoggerFactory"/>.</summary>
internal sealed class ActorSystemLogger(ILoggingAdapter log) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel switch
    {
        LogLevel.Trace or LogLevel.Debug => log.IsDebugEnabled,
        LogLevel.Information => log.IsInfoEnabled,
        LogLevel.Warning => log.IsWarningEnabled,
        LogLevel.Error or LogLevel.Critical => log.IsErrorEnabled,
        _ => false,
    };

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        switch (logLevel)
        {
            case LogLevel.Trace or LogLevel.Debug:
                log.Debug(message);
                break;
            case LogLevel.Information:
                log.Info(message);
                break;
            case LogLevel.Warning:
                log.Warning(exception, message);
                break;
            default:
                log.Error(exception, message);
                break;
        }
    }
}
