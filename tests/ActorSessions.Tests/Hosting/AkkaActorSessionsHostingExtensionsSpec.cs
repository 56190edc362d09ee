using ActorSessions.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ActorSessions.Tests.Hosting;

/// <summary>Starts a real <see cref="IHost"/>: Akka.Hosting.TestKit would bring xunit v3 into this xunit v2 project.</summary>
public sealed class AkkaActorSessionsHostingExtensionsSpec : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddSingleton<TimeProvider>(_clock);
                services.AddAkka("hosting-spec", builder => builder
                    .AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend)
                    .AddHocon("actor-sessions { idle-timeout = 1h, max-sessions = 7 }", HoconAddMode.Prepend)
                    .WithActorSessions(options => options.IdleTimeout = TimeSpan.FromMinutes(5)));
                services.AddActorSessionsClient();
            })
            .Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public async Task The_container_is_registered_for_IRequiredActor_under_a_stable_name()
    {
        var container = await _host.Services.GetRequiredService<IRequiredActor<SessionContainer>>().GetAsync();

        Assert.Equal("/user/session-container", container.Path.ToStringWithoutAddress());
        var opened = await container.Ask<SessionOpened>(new OpenSession(), TimeSpan.FromSeconds(5));
        Assert.True(opened.IsNew);
    }

    [Fact]
    public void Options_override_the_applications_hocon_which_overrides_the_defaults()
    {
        var system = _host.Services.GetRequiredService<Akka.Actor.ActorSystem>();

        var settings = SessionSettings.Create(system.Settings.Config);

        Assert.Equal(TimeSpan.FromMinutes(5), settings.IdleTimeout);    // options
        Assert.Equal(7, settings.MaxSessions);                           // application HOCON
        Assert.Equal(TimeSpan.FromSeconds(60), settings.CleanupInterval); // reference.conf
    }

    [Fact]
    public void The_protocol_serializer_is_bound_in_the_hosted_actor_system()
    {
        var system = _host.Services.GetRequiredService<Akka.Actor.ActorSystem>();

        Assert.IsType<SessionProtocolSerializer>(system.Serialization.FindSerializerFor(new OpenSession()));
    }

    [Fact]
    public void A_planned_stop_is_left_to_the_host_Akkas_CLR_exit_hook_is_off()
    {
        var system = _host.Services.GetRequiredService<Akka.Actor.ActorSystem>();

        Assert.False(system.Settings.Config.GetBoolean("akka.coordinated-shutdown.run-by-clr-shutdown-hook"));
    }

    [Fact]
    public async Task The_client_from_DI_talks_to_the_container_on_the_TimeProvider_from_DI()
    {
        var client = _host.Services.GetRequiredService<ISessionClient>();
        var session = (await client.OpenAsync()).Session;
        await client.SaveAsync(session.SetString("k", "v"));

        _clock.Advance(TimeSpan.FromMinutes(5));

        await Assert.ThrowsAsync<SessionNotFoundException>(() => client.GetAsync(session.Id));
    }

    [Fact]
    public async Task The_container_holds_no_more_than_the_configured_max_sessions()
    {
        var client = _host.Services.GetRequiredService<ISessionClient>();
        for (var i = 0; i < 10; i++)
        {
            await client.OpenAsync();
        }

        Assert.Equal(7, (await client.GetStatsAsync()).Count);
    }
}
