using ActorSessions.Hosting;
using ActorSessions.Tests.TestSupport;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorSessions.Tests.Hosting;

/// <summary>
/// One deadline: a write waits for the commit in flight and then its own, so a client that gave up sooner
/// than twice the commit timeout could report lost a write that was stored. Such settings fail at start.
/// </summary>
public sealed class TimeoutNestingSpec
{
    [Fact]
    public async Task A_request_timeout_not_above_twice_the_commit_timeout_fails_the_start_naming_both_keys()
    {
        using var host = Host(requestTimeout: TimeSpan.FromSeconds(4), commitTimeout: "2s");

        var error = await Record.ExceptionAsync(() => host.StartAsync());

        Assert.NotNull(error);
        Assert.Contains("actor-sessions.request-timeout", Flatten(error), StringComparison.Ordinal);
        Assert.Contains("actor-sessions.store.commit-timeout", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_defaults_nest()
    {
        using var host = Host(requestTimeout: null, commitTimeout: null);

        await host.StartAsync();
        var client = host.Services.GetRequiredService<ISessionClient>();
        Assert.True((await client.OpenAsync()).IsNew);
        await host.StopAsync();
    }

    private static IHost Host(TimeSpan? requestTimeout, string? commitTimeout) =>
        new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddAkka("nesting-spec", builder => builder
                    .AddHocon("akka.loglevel = OFF", HoconAddMode.Prepend)
                    .AddHocon(commitTimeout is null ? string.Empty : $"actor-sessions.store.commit-timeout = {commitTimeout}", HoconAddMode.Prepend)
                    .WithActorSessions(options =>
                    {
                        options.RequestTimeout = requestTimeout;
                        options.SessionStore = _ => new FakeSessionStore();
                    }));
                services.AddActorSessionsClient();
            })
            .Build();

    private static string Flatten(Exception error) =>
        error is AggregateException aggregate ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(e => e.ToString())) : error.ToString();
}
