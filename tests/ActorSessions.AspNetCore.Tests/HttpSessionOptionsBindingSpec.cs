using ActorSessions.Hosting;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>The middleware's options bind from .NET configuration, and options that cannot work fail the start naming the option.</summary>
public sealed class HttpSessionOptionsBindingSpec
{
    [Fact]
    public async Task Options_bind_from_a_configuration_section_and_the_code_after_it_wins()
    {
        await using var app = Build(new()
        {
            ["ActorSessions:Http:MaxKeys"] = "3",
            ["ActorSessions:Http:IOTimeout"] = "00:00:02",
            ["ActorSessions:Http:NewSessionsPerMinute"] = string.Empty,
            ["ActorSessions:Http:Cookie:Name"] = "from-config",
            ["ActorSessions:Http:Cookie:SecurePolicy"] = "Always",
        }, o => o.MaxKeys = 4);

        var options = app.Services.GetRequiredService<IOptions<ActorSessionsHttpOptions>>().Value;

        Assert.Equal(4, options.MaxKeys);
        Assert.Equal(TimeSpan.FromSeconds(2), options.IOTimeout);
        Assert.Null(options.NewSessionsPerMinute);
        Assert.Equal("from-config", options.Cookie.Name);
        Assert.Equal(CookieSecurePolicy.Always, options.Cookie.SecurePolicy);
    }

    [Fact]
    public async Task An_option_that_cannot_work_fails_the_start_naming_it()
    {
        await using var app = Build(new() { ["ActorSessions:Http:IOTimeout"] = "-00:00:01" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("IOTimeout", error.Message, StringComparison.Ordinal);
    }

    private static WebApplication Build(Dictionary<string, string?> settings, Action<ActorSessionsHttpOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAkka("binding-spec-" + Guid.NewGuid().ToString("N")[..8], akka => akka
            .AddHocon("akka.loglevel = OFF", HoconAddMode.Prepend)
            .WithActorSessions());
        builder.Services.AddActorSessions(builder.Configuration.GetSection("ActorSessions:Http"), configure);
        return builder.Build();
    }
}
