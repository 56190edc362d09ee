using System.Collections.Concurrent;
using ActorSessions.Hosting;
using Akka.Hosting;
using Akka.Event;
using Akka.Hosting.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ActorSessions.Tests.Hosting;

/// <summary>Under WithActorSessions, Akka's log goes through Microsoft.Extensions.Logging, unless the app chose Akka's loggers itself.</summary>
public sealed class AkkaLoggingSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_akka_log_line_reaches_the_hosts_logger_provider_without_ConfigureLoggers()
    {
        var logs = new RecordingProvider();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddAkka("logging-spec", akka => akka.WithActorSessions());
        using var host = builder.Build();
        await host.StartAsync();

        host.Services.GetRequiredService<ActorSystem>().Log.Warning("marker {0}", 42);

        await logs.Seen("marker 42").WaitAsync(Bound);
        await host.StopAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_apps_own_ConfigureLoggers_wins_before_or_after_WithActorSessions(bool loggersFirst)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("logging-spec", akka =>
        {
            if (loggersFirst)
            {
                akka.ConfigureLoggers(l => l.ClearLoggers().AddDefaultLogger()).WithActorSessions();
            }
            else
            {
                akka.WithActorSessions().ConfigureLoggers(l => l.ClearLoggers().AddDefaultLogger());
            }
        });
        using var host = builder.Build();
        await host.StartAsync();

        var loggers = host.Services.GetRequiredService<ActorSystem>().Settings.Loggers;

        Assert.DoesNotContain(loggers, l => l.Contains(nameof(LoggerFactoryLogger), StringComparison.Ordinal));
        await host.StopAsync();
    }

    private sealed class RecordingProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public async Task Seen(string text)
        {
            while (!_messages.Any(m => m.Contains(text, StringComparison.Ordinal)))
            {
                await Task.Delay(20);
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
