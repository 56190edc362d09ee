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

        Assert.IsType<SessionClient>(client);
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
