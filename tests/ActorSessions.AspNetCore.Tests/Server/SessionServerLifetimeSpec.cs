using ActorSessions.AspNetCore.Tests.Support;
using ActorSessions.Server;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>The server's actor system lives and dies with the host, and logs through Microsoft.Extensions.Logging.</summary>
public sealed class SessionServerLifetimeSpec
{
    [Fact]
    public async Task Stopping_the_host_terminates_the_actor_system_and_Akka_logs_through_the_host_logging()
    {
        var logs = new RecordingLoggerProvider();
        var app = SessionServer.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
        });
        await app.StartAsync();
        var system = app.Services.GetRequiredService<ActorSystem>();
        Assert.False(system.WhenTerminated.IsCompleted);

        await app.StopAsync();
        await system.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(30));
        await app.DisposeAsync();

        // A line the actor system logged while it ran (not one from its own shutdown, which its logger
        // actor may not get to before it stops): Akka's log reaches the host's logging.
        Assert.Contains(logs.Entries, e => e.Category.StartsWith("Akka", StringComparison.Ordinal) && e.Message.Contains("Sessions are kept in SQLite", StringComparison.Ordinal));
    }
}
