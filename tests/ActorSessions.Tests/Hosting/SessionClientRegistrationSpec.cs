using ActorSessions.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ActorSessions.Tests.Hosting;

public sealed class SessionClientRegistrationSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_injected_session_client_is_the_shared_batching_client_over_the_registered_container()
    {
        using var host = await StartAsync(time: null);

        var client = host.Services.GetRequiredService<ISessionClient>();

        Assert.Same(client, host.Services.GetRequiredService<ISessionClient>());
        var opened = await client.OpenAsync().WaitAsync(Bound);
        var calls = Enumerable.Range(0, 32).Select(_ => client.OpenAsync(opened.Session.Id)).ToArray();
        Assert.All(await Task.WhenAll(calls).WaitAsync(Bound), r => Assert.Equal(opened.Session.Id, r.Session.Id));
        await host.StopAsync();
    }

    [Fact]
    public async Task The_injected_client_times_its_calls_with_the_registered_time_provider()
    {
        var time = new FakeTimeProvider();
        using var host = await StartAsync(time, requestTimeout: TimeSpan.FromSeconds(3));
        var client = host.Services.GetRequiredService<ISessionClient>();
        await client.OpenAsync().WaitAsync(Bound);

        // The container is stopped, so nothing answers: only the fake clock can end the call.
        var container = host.Services.GetRequiredService<IRequiredActor<SessionContainer>>().ActorRef;
        await container.GracefulStop(Bound);
        var call = client.OpenAsync();
        time.Advance(TimeSpan.FromSeconds(3.5));

        await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(Bound));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_hosted_service_can_take_the_client_in_its_constructor_and_use_it_once_the_host_runs()
    {
        var builder = Host.CreateApplicationBuilder();

        // Registered before the actor system, so it is built before the container exists.
        builder.Services.AddSingleton<UsesTheClient>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UsesTheClient>());
        builder.Services.AddAkka("sessions-hosting-spec", akka => akka.WithActorSessions());
        builder.Services.AddActorSessionsClient();
        using var host = builder.Build();

        await host.StartAsync();

        Assert.True((await host.Services.GetRequiredService<UsesTheClient>().Opened.WaitAsync(Bound)).IsNew);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_client_without_a_container_fails_the_start_saying_what_to_add()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("sessions-hosting-spec", akka => akka.AddHocon("akka.loglevel = OFF", HoconAddMode.Prepend));
        builder.Services.AddActorSessionsClient();
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("WithActorSessions()", error.ToString(), StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_client_without_an_actor_system_fails_the_start_saying_what_to_add()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddActorSessionsClient();
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("AddAkka", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_containers_on_one_actor_system_fail_the_start_before_it_runs()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("sessions-hosting-spec", akka => akka.WithActorSessions().WithActorSessions());
        builder.Services.AddActorSessionsClient();
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("WithActorSessions was called 2 times on one actor system: call it once", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A hosted service that takes the client in its constructor, before the actor system starts, and opens a session once it runs.</summary>
    private sealed class UsesTheClient(ISessionClient client) : BackgroundService
    {
        private readonly TaskCompletionSource<SessionOpened> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<SessionOpened> Opened => _opened.Task;

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            try
            {
                _opened.SetResult(await client.OpenAsync(cancellationToken: stoppingToken));
            }
            catch (Exception e)
            {
                _opened.SetException(e);
            }
        }
    }

    private static async Task<IHost> StartAsync(FakeTimeProvider? time, TimeSpan? requestTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder();
        if (time is not null)
        {
            builder.Services.AddSingleton<TimeProvider>(time);
        }

        builder.Services.AddAkka("sessions-hosting-spec", akka => akka.WithActorSessions(o => o.RequestTimeout = requestTimeout));
        builder.Services.AddActorSessionsClient();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
