using System.Net;
using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>RenewSessionIdAsync (login, against fixation) and EndSessionAsync (logout).</summary>
public sealed class RenewAndEndSpec
{
    private static void Endpoints(IEndpointRouteBuilder app)
    {
        app.MapPost("/set", (HttpContext c) =>
        {
            c.Session.SetString("user", "ada");
            return "ok";
        });
        app.MapGet("/read", (HttpContext c) => c.Session.GetString("user") ?? "(none)");
        app.MapPost("/login", async (HttpContext c) =>
        {
            await c.RenewSessionIdAsync();
            c.Session.SetString("role", "admin");
            return "ok";
        });
        app.MapPost("/logout", async (HttpContext c) =>
        {
            await c.EndSessionAsync();
            return "ok";
        });
    }

    [Fact]
    public async Task Renew_sets_a_new_cookie_and_the_old_one_no_longer_opens_the_data()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();
        var oldId = Cookies.SessionCookie(await client.PostAsync("/set", sessionId: null)).Value.Value!;

        var renewed = await client.PostAsync("/login", oldId);
        var newId = Cookies.SessionCookie(renewed).Value.Value!;

        Assert.NotEqual(oldId, newId);
        Assert.Equal("ada", await (await client.GetAsync("/read", newId)).Content.ReadAsStringAsync());
        Assert.Equal("(none)", await (await client.GetAsync("/read", oldId)).Content.ReadAsStringAsync());
        Assert.Equal("admin", (await app.Container.GetAsync(newId)).Session.GetString("role"));
        Assert.True(renewed.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Renew_without_a_session_sets_one_cookie_with_a_fresh_id_for_the_data_written_after_it()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();

        var response = await client.PostAsync("/login", sessionId: null);
        var id = Cookies.SessionCookie(response).Value.Value!;

        Assert.Equal("admin", (await app.Container.GetAsync(id)).Session.GetString("role"));
    }

    [Fact]
    public async Task Logout_deletes_the_cookie_and_the_session()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();
        var id = Cookies.SessionCookie(await client.PostAsync("/set", sessionId: null)).Value.Value!;

        var response = await client.PostAsync("/logout", id);
        var deletion = Cookies.SessionCookie(response);

        Assert.Equal(string.Empty, deletion.Value.Value);
        Assert.True(deletion.Expires < DateTimeOffset.UtcNow);
        Assert.Equal("(none)", await (await client.GetAsync("/read", id)).Content.ReadAsStringAsync());
        Assert.Equal(1, (await app.Container.GetStatsAsync()).Deleted);
    }

    [Fact]
    public async Task A_browser_that_logged_out_starts_over_with_a_new_session()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        var cookies = new CookieContainer();
        using var browser = app.Browser(cookies);
        await browser.PostAsync("/set", null);

        await browser.PostAsync("/logout", null);

        Assert.Empty(cookies.GetCookies(app.BaseAddress));
        Assert.Equal("(none)", await browser.GetStringAsync("/read"));
    }
}
