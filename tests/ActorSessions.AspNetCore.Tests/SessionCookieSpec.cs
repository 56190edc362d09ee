using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using SameSiteMode = Microsoft.Net.Http.Headers.SameSiteMode;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>The session cookie: its flags, its Secure policy, and strict ids.</summary>
public sealed class SessionCookieSpec
{
    private static void Endpoints(IEndpointRouteBuilder app)
    {
        app.MapPost("/set", (HttpContext c) =>
        {
            c.Session.SetString("a", "1");
            return "ok";
        });
        app.MapGet("/read", (HttpContext c) => c.Session.GetString("a") ?? "(none)");
    }

    [Fact]
    public async Task The_cookie_is_HttpOnly_SameSite_Lax_on_path_root_with_our_name_and_the_response_is_not_stored()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();

        var response = await client.PostAsync("/set", sessionId: null);
        var cookie = Cookies.SessionCookie(response);

        Assert.Equal("actor-session", cookie.Name.Value);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteMode.Lax, cookie.SameSite);
        Assert.Equal("/", cookie.Path.Value);
        Assert.Null(cookie.Expires);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Theory]
    [InlineData(CookieSecurePolicy.SameAsRequest, false, false)]
    [InlineData(CookieSecurePolicy.SameAsRequest, true, true)]
    [InlineData(CookieSecurePolicy.Always, false, true)]
    [InlineData(CookieSecurePolicy.Always, true, true)]
    [InlineData(CookieSecurePolicy.None, true, false)]
    public async Task Secure_follows_the_policy(CookieSecurePolicy policy, bool https, bool secure)
    {
        await using var app = await SessionTestApp.StartAsync(
            Endpoints,
            options: o => o.Cookie.SecurePolicy = policy,
            https: https ? SelfSignedCertificate.Instance : null);
        using var client = app.Raw();

        var response = await client.PostAsync("/set", sessionId: null);

        Assert.Equal(https ? "https" : "http", app.BaseAddress.Scheme);
        Assert.Equal(secure, Cookies.SessionCookie(response).Secure);
    }

    [Fact]
    public async Task The_cookie_name_is_configurable()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints, options: o => o.Cookie.Name = "sid");
        using var client = app.Raw();

        var response = await client.PostAsync("/set", sessionId: null);

        Assert.Equal("sid", Assert.Single(Cookies.SetCookies(response)).Name.Value);
    }

    [Fact]
    public async Task A_forged_cookie_gets_a_fresh_id_never_the_presented_one()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();
        const string forged = "AAAAAAAAAAAAAAAAAAAA";

        var response = await client.PostAsync("/set", forged);
        var issued = Cookies.SessionCookie(response).Value.Value!;

        Assert.NotEqual(forged, issued);
        Assert.Equal("1", (await app.Container.GetAsync(issued)).Session.GetString("a"));
        await Assert.ThrowsAsync<SessionNotFoundException>(() => app.Container.GetAsync(forged));
    }

    [Fact]
    public async Task A_forged_cookie_on_a_request_that_writes_nothing_creates_nothing()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();

        var response = await client.GetAsync("/read", "AAAAAAAAAAAAAAAAAAAA");

        Assert.Equal("(none)", await response.Content.ReadAsStringAsync());
        Assert.Empty(Cookies.SetCookies(response));
        Assert.Equal(0, (await app.Container.GetStatsAsync()).Created);
    }

    [Theory]
    [InlineData("")]
    [InlineData("%00%01binary")]
    [InlineData("a-cookie-far-longer-than-any-id-the-container-issues-a-cookie-far-longer-than-any-id-the-container-issues-a-cookie-far-longer-than-any-id-the-container-issues-a-cookie-far-longer-than-any-id-the-container-issues-a-cookie-far-longer-than-any-id-the-container-issues")]
    public async Task A_malformed_cookie_is_treated_as_no_cookie(string value)
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();

        var response = await client.PostAsync("/set", value);
        var issued = Cookies.SessionCookie(response).Value.Value!;

        Assert.NotEqual(value, issued);
        Assert.Equal(20, issued.Length);
    }

    [Fact]
    public async Task The_cookie_is_not_sent_again_while_the_session_lives()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();
        var id = Cookies.SessionCookie(await client.PostAsync("/set", sessionId: null)).Value.Value;

        var again = await client.PostAsync("/set", id);

        Assert.Empty(Cookies.SetCookies(again));
    }
}
