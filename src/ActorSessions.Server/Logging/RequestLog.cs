using System.Diagnostics;

namespace ActorSessions.Server.Logging;

/// <summary>
/// One line per request (method, path, status, time to the first byte), only when
/// <c>ActorSessions:RequestLog</c> is true; off by default, as ASP.NET Core's own request log is: at a few
/// hundred bytes a request, a busy server's log would be mostly requests. The path is escaped
/// (<see cref="LogText"/>); the query string, which may hold a visitor's values, is never logged.
/// </summary>
internal static partial class RequestLog
{
    /// <summary>The setting that turns the log on.</summary>
    public const string EnabledKey = "ActorSessions:RequestLog";

    /// <summary>The log category, for its own level in <c>Logging:LogLevel</c>.</summary>
    public const string Category = "ActorSessions.Server.Requests";

    /// <summary>Logs every request that reaches the middleware after it.</summary>
    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        return app.Use((context, next) =>
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                var started = Stopwatch.GetTimestamp();

                // When the response starts: its status is final, and the line is written before the client
                // has the answer.
                context.Response.OnStarting(() =>
                {
                    Answered(logger, LogText.Escape(context.Request.Method), LogText.Escape(context.Request.Path.Value), context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    return Task.CompletedTask;
                });
            }

            return next(context);
        });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms")]
    private static partial void Answered(ILogger logger, string method, string path, int statusCode, double elapsedMs);
}
