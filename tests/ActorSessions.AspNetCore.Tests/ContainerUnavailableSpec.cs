using ActorSessions.AspNetCore.Tests.Support;
using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>When the container does not answer in time, the session is unavailable but the request is served.</summary>
public sealed class ContainerUnavailableSpec
{
    [Fact]
    public async Task LoadAsync_throws_IsAvailable_is_false_the_error_is_logged_and_the_request_is_served()
    {
        await using var app = await SessionTestApp.StartAsync(
            endpoints => endpoints.MapGet("/load", async (HttpContext c) =>
            {
                var error = await Record.ExceptionAsync(() => c.Session.LoadAsync());
                var write = Record.Exception(() => c.Session.SetString("a", "1"));
                return $"{error?.GetType().Name} available={c.Session.IsAvailable} write={write?.GetType().Name}";
            }),
            options: o => o.IOTimeout = TimeSpan.FromMilliseconds(200),

            // A real client whose container never answers: every Ask goes to dead letters.
            services: s => s.AddSingleton<ISessionClient>(sp => new SessionClient(sp.GetRequiredService<ActorSystem>().DeadLetters)));
        using var client = app.Raw();

        var response = await client.GetAsync("/load", "AAAAAAAAAAAAAAAAAAAA");

        Assert.Equal("OperationCanceledException available=False write=SessionUnavailableException", await response.Content.ReadAsStringAsync());
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Warning && e.Category == typeof(HttpSession).FullName && e.Exception is OperationCanceledException);
    }

    [Fact]
    public async Task A_commit_the_container_does_not_confirm_is_answered_503_and_sets_no_cookie()
    {
        await using var app = await SessionTestApp.StartAsync(
            endpoints => endpoints.MapPost("/set", (HttpContext c) =>
            {
                c.Session.SetString("a", "1");
                return "served";
            }),
            container: o => o.RequestTimeout = TimeSpan.FromMilliseconds(200),
            services: s => s.AddSingleton<ISessionClient>(sp => new SessionClient(
                sp.GetRequiredService<ActorSystem>().DeadLetters,
                new SessionClientSettings { RequestTimeout = TimeSpan.FromMilliseconds(200) })));
        using var client = app.Raw();

        var response = await client.PostAsync("/set", sessionId: null);

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain("served", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Cookies.SetCookies(response));
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("could not be stored", StringComparison.Ordinal));
    }
}
