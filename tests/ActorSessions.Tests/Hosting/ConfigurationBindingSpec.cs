using ActorSessions.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorSessions.Tests.Hosting;

/// <summary>The container's options bind from .NET configuration, and a value that cannot work fails the start.</summary>
public sealed class ConfigurationBindingSpec
{
    [Fact]
    public async Task Options_bind_from_a_configuration_section_and_the_code_after_it_wins()
    {
        using var host = Build(new()
        {
            ["ActorSessions:IdleTimeout"] = "00:05:00",
            ["ActorSessions:MaxSessions"] = "7",
            ["ActorSessions:MaxMemory"] = "1048576",
        }, o => o.MaxSessions = 9);

        await host.StartAsync();
        var settings = SessionSettings.Create(host.Services.GetRequiredService<Akka.Actor.ActorSystem>().Settings.Config);

        Assert.Equal(TimeSpan.FromMinutes(5), settings.IdleTimeout);
        Assert.Equal(9, settings.MaxSessions);
        Assert.Equal(1_048_576, settings.MaxMemory);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_value_that_cannot_work_fails_the_start_naming_the_setting()
    {
        using var host = Build(new() { ["ActorSessions:MaxSessions"] = "0" });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("max-sessions", error.ToString(), StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings, Action<ActorSessionsOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAkka("binding-spec", akka => akka
            .AddHocon("akka.loglevel = OFF", HoconAddMode.Prepend)
            .WithActorSessions(builder.Configuration.GetSection("ActorSessions"), configure));
        builder.Services.AddActorSessionsClient();
        return builder.Build();
    }
}
