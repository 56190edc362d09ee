using System.Net;
using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Time.Testing;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>HttpContext.Session served by the middleware behaves as ASP.NET Core's own session does.</summary>
public sealed class HttpSessionSpec
{
    private static void Endpoints(IEndpointRouteBuilder app)
    {
        app.MapGet("/nothing", () => "ok");
        app.MapGet("/read/{key}", (string key, HttpContext c) => c.Session.GetString(key) ?? "(none)");
        app.MapPost("/set/{key}/{value}", (string key, string value, HttpContext c) =>
        {
            c.Session.SetString(key, value);
            return "ok";
        });
        app.MapPost("/remove/{key}", (string key, HttpContext c) =>
        {
            c.Session.Remove(key);
            return "ok";
        });
        app.MapPost("/clear", (HttpContext c) =>
        {
            c.Session.Clear();
            return "ok";
        });
        app.MapGet("/keys", (HttpContext c) => string.Join(",", c.Session.Keys.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task A_request_that_never_writes_creates_no_session_and_sets_no_cookie()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();

        var nothing = await client.GetAsync("/nothing");
        var read = await client.GetAsync("/read/a");

        Assert.Empty(Cookies.SetCookies(nothing));
        Assert.Empty(Cookies.SetCookies(read));
        Assert.Equal(0, (await app.Container.GetStatsAsync()).Created);
    }

    [Fact]
    public async Task The_first_write_sets_exactly_one_cookie()
    {
        await using var app = await SessionTestApp.StartAsync(endpoints => endpoints.MapPost("/many", (HttpContext c) =>
        {
            c.Session.SetString("a", "1");
            c.Session.SetString("b", "2");
            c.Session.Remove("a");
            return "ok";
        }));
        using var client = app.Raw();

        var response = await client.PostAsync("/many", sessionId: null);

        Assert.Single(Cookies.SetCookies(response));
        Assert.Equal(1, (await app.Container.GetStatsAsync()).Created);
    }

    [Fact]
    public async Task Values_are_there_on_the_next_request()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var browser = app.Browser();

        await browser.PostAsync("/set/colour/blue", null);

        Assert.Equal("blue", await browser.GetStringAsync("/read/colour"));
    }

    [Fact]
    public async Task Remove_sticks()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var browser = app.Browser();
        await browser.PostAsync("/set/a/1", null);
        await browser.PostAsync("/set/b/2", null);

        await browser.PostAsync("/remove/a", null);

        Assert.Equal("b", await browser.GetStringAsync("/keys"));
    }

    [Fact]
    public async Task Clear_sticks()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var browser = app.Browser();
        await browser.PostAsync("/set/a/1", null);
        await browser.PostAsync("/set/b/2", null);

        await browser.PostAsync("/clear", null);

        Assert.Equal(string.Empty, await browser.GetStringAsync("/keys"));
    }

    [Fact]
    public async Task Keys_are_case_sensitive()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var browser = app.Browser();

        await browser.PostAsync("/set/Key/upper", null);
        await browser.PostAsync("/set/key/lower", null);

        Assert.Equal("upper", await browser.GetStringAsync("/read/Key"));
        Assert.Equal("lower", await browser.GetStringAsync("/read/key"));
    }

    [Fact]
    public async Task Every_request_with_the_cookie_slides_the_expiry_even_when_the_endpoint_never_reads_the_session()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartWithTenMinuteIdleTimeoutAsync(time);
        using var browser = app.Browser();
        await browser.PostAsync("/set/a/1", null);

        // Two steps of 9 minutes: 18 idle minutes in all, but never 10 without a request.
        time.Advance(TimeSpan.FromMinutes(9));
        await browser.GetAsync("/nothing");
        time.Advance(TimeSpan.FromMinutes(9));

        Assert.Equal("1", await browser.GetStringAsync("/read/a"));
    }

    [Fact]
    public async Task Without_requests_the_session_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartWithTenMinuteIdleTimeoutAsync(time);
        using var browser = app.Browser();
        await browser.PostAsync("/set/a/1", null);

        time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal("(none)", await browser.GetStringAsync("/read/a"));
    }

    [Fact]
    public async Task The_session_feature_is_gone_from_the_context_once_the_response_has_left_also_after_an_unhandled_exception()
    {
        var afterwards = new List<bool>();
        await using var app = await SessionTestApp.StartAsync(
            endpoints =>
            {
                endpoints.MapGet("/fine", (HttpContext c) => c.Session.IsAvailable ? "available" : "unavailable");
                endpoints.MapGet("/throws", string (HttpContext c) => throw new InvalidOperationException("boom"));
            },
            outer: app => app.Use(async (context, next) =>
            {
                try
                {
                    await next(context);
                }
                catch (InvalidOperationException)
                {
                    context.Response.StatusCode = 500;
                }

                lock (afterwards)
                {
                    afterwards.Add(context.Features.Get<ISessionFeature>() is null && context.Features.Get<HttpSession>() is null);
                }
            }));
        using var client = app.Raw();

        Assert.Equal("available", await client.GetStringAsync("/fine"));
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("/throws")).StatusCode);

        Assert.Equal([true, true], afterwards);
    }

    [Fact]
    public async Task A_request_that_fails_stores_none_of_its_changes()
    {
        await using var app = await SessionTestApp.StartAsync(endpoints =>
        {
            Endpoints(endpoints);
            endpoints.MapPost("/half", string (HttpContext c) =>
            {
                c.Session.SetString("half", "written");
                throw new InvalidOperationException("failed half way");
            });
        }, outer: app => app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (InvalidOperationException)
            {
                context.Response.StatusCode = 500;
            }
        }));
        using var browser = app.Browser();
        await browser.PostAsync("/set/a/1", null);

        await browser.PostAsync("/half", null);

        Assert.Equal("(none)", await browser.GetStringAsync("/read/half"));
    }

    [Fact]
    public async Task Changes_made_after_the_response_started_are_stored_for_an_existing_session()
    {
        await using var app = await SessionTestApp.StartAsync(endpoints =>
        {
            Endpoints(endpoints);
            endpoints.MapPost("/late", async (HttpContext c) =>
            {
                await c.Response.WriteAsync("streaming");
                await c.Response.Body.FlushAsync();
                c.Session.SetString("late", "yes");
            });
        });
        using var browser = app.Browser();
        await browser.PostAsync("/set/a/1", null);

        await browser.PostAsync("/late", null);

        Assert.Equal("yes", await browser.GetStringAsync("/read/late"));
    }

    [Fact]
    public async Task A_first_write_after_the_response_started_is_refused_because_its_cookie_could_not_be_sent()
    {
        var refused = new TaskCompletionSource<Exception?>();
        await using var app = await SessionTestApp.StartAsync(endpoints => endpoints.MapPost("/late", async (HttpContext c) =>
        {
            await c.Response.WriteAsync("streaming");
            await c.Response.Body.FlushAsync();
            refused.SetResult(Record.Exception(() => c.Session.SetString("late", "yes")));
        }));
        using var client = app.Raw();

        var response = await client.PostAsync("/late", sessionId: null);

        Assert.IsType<InvalidOperationException>(await refused.Task);
        Assert.Empty(Cookies.SetCookies(response));
        Assert.Equal(0, (await app.Container.GetStatsAsync()).Created);
    }

    [Fact]
    public async Task Endpoints_see_the_typed_session_with_this_requests_changes()
    {
        await using var app = await SessionTestApp.StartAsync(endpoints =>
        {
            Endpoints(endpoints);
            endpoints.MapPost("/typed", (HttpContext c) =>
            {
                c.Session.SetString("b", "2");
                var session = c.GetActorSession().Current!;
                return $"{session.GetString("a")}{session.GetString("b")} v{session.Version}";
            });
        });
        using var browser = app.Browser();
        await browser.PostAsync("/set/a/1", null);

        var response = await browser.PostAsync("/typed", null);

        Assert.Equal("12 v1", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ISession_Id_is_a_correlation_id_not_the_secret_session_id_and_changes_with_renewal()
    {
        await using var app = await SessionTestApp.StartAsync(endpoints =>
        {
            endpoints.MapPost("/set", (HttpContext c) =>
            {
                c.Session.SetString("a", "1");
                return "ok";
            });
            endpoints.MapGet("/id", (HttpContext c) => c.Session.Id);
            endpoints.MapPost("/renew", async (HttpContext c) =>
            {
                await c.RenewSessionIdAsync();
                return "ok";
            });
        });
        var cookies = new CookieContainer();
        using var browser = app.Browser(cookies);
        await browser.PostAsync("/set", null);

        var id = await browser.GetStringAsync("/id");
        var again = await browser.GetStringAsync("/id");
        await browser.PostAsync("/renew", null);
        var renewed = await browser.GetStringAsync("/id");

        Assert.Equal(id, again);
        Assert.NotEqual(id, renewed);
        Assert.DoesNotContain(cookies.GetCookies(app.BaseAddress)[Cookies.Name]!.Value, new[] { id, renewed });
    }

    private static Task<SessionTestApp> StartWithTenMinuteIdleTimeoutAsync(FakeTimeProvider time) =>
        SessionTestApp.StartAsync(Endpoints, container: o =>
        {
            o.TimeProvider = time;
            o.IdleTimeout = TimeSpan.FromMinutes(10);
        });
}
