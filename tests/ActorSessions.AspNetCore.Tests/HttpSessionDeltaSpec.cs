using System.Net;
using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>Only the keys a request changed are written, so two tabs of one session both keep their writes.</summary>
public sealed class HttpSessionDeltaSpec
{
    [Fact]
    public async Task Two_tabs_that_write_different_keys_at_the_same_time_both_keep_their_writes()
    {
        // Both requests have loaded the session before either writes: what ASP.NET Core's own session
        // would turn into "the last tab wins".
        var loaded = new CountdownEvent(2);
        var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await SessionTestApp.StartAsync(endpoints =>
        {
            endpoints.MapPost("/seed", (HttpContext c) =>
            {
                c.Session.SetString("shared", "seed");
                return "ok";
            });
            endpoints.MapPost("/tab/{key}", async (string key, HttpContext c) =>
            {
                _ = c.Session.Keys.Count();
                loaded.Signal();
                await write.Task;
                c.Session.SetString(key, "written by " + key);
                return "ok";
            });
            endpoints.MapGet("/all", (HttpContext c) =>
                string.Join(";", c.Session.Keys.Order(StringComparer.Ordinal).Select(k => $"{k}={c.Session.GetString(k)}")));
        });
        using var browser = app.Browser();
        await browser.PostAsync("/seed", null);

        var tabA = browser.PostAsync("/tab/a", null);
        var tabB = browser.PostAsync("/tab/b", null);
        Assert.True(loaded.Wait(TimeSpan.FromSeconds(20)), "both tabs should have loaded the session");
        write.SetResult();
        await Task.WhenAll(tabA, tabB);

        Assert.Equal("a=written by a;b=written by b;shared=seed", await browser.GetStringAsync("/all"));
    }

    [Fact]
    public async Task A_request_that_changes_nothing_writes_nothing()
    {
        await using var app = await SessionTestApp.StartAsync(endpoints =>
        {
            endpoints.MapPost("/set/{value}", (string value, HttpContext c) =>
            {
                c.Session.SetString("a", value);
                return "ok";
            });
            endpoints.MapGet("/read", (HttpContext c) => c.Session.GetString("a"));
        });
        var cookies = new CookieContainer();
        using var browser = app.Browser(cookies);
        await browser.PostAsync("/set/1", null);
        var id = cookies.GetCookies(app.BaseAddress)[Cookies.Name]!.Value;
        var before = (await app.Container.GetAsync(id)).Session.Version;

        await browser.GetStringAsync("/read");
        await browser.PostAsync("/set/1", null);

        Assert.Equal(before, (await app.Container.GetAsync(id)).Session.Version);
    }
}
