using System.Net;
using ActorSessions.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>
/// Behind a TLS proxy: X-Forwarded-Proto and X-Forwarded-For from a trusted proxy (loopback by default) give
/// the server the browser's scheme and address, so the page's forms work; from any other peer they are ignored.
/// </summary>
public sealed class ForwardedHeadersSpec : IAsyncLifetime
{
    // The spec's client is on 127.0.0.1: trusted by default, and not by the server that trusts only 10.9.8.7.
    private readonly ServerFixture _behindLocalProxy = new(map: MapWhoAmI);
    private readonly ServerFixture _behindOtherProxy = new(
        builder => builder.Configuration["ActorSessions:ForwardedHeaders:KnownProxies"] = "10.9.8.7, 10.9.8.6",
        MapWhoAmI);

    public Task InitializeAsync() => Task.WhenAll(_behindLocalProxy.InitializeAsync(), _behindOtherProxy.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(_behindLocalProxy.DisposeAsync(), _behindOtherProxy.DisposeAsync());

    [Fact]
    public async Task A_loopback_proxy_gives_the_server_the_browser_scheme_and_address()
    {
        using var visitor = _behindLocalProxy.Visitor();

        Assert.Equal("203.0.113.9 https", await WhoAmIAsync(visitor));
    }

    [Fact]
    public async Task A_form_posted_over_https_through_the_proxy_is_accepted_and_its_cookie_is_secure()
    {
        using var visitor = _behindLocalProxy.Visitor();

        using var response = await visitor.SendAsync(HttpsFormPost(_behindLocalProxy, forwarded: true));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("secure", Assert.Single(response.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_the_proxy_header_the_https_origin_is_another_origin_and_refused()
    {
        using var visitor = _behindLocalProxy.Visitor();

        using var response = await visitor.SendAsync(HttpsFormPost(_behindLocalProxy, forwarded: false));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Configured_proxies_replace_loopback_whose_headers_are_then_ignored()
    {
        using var visitor = _behindOtherProxy.Visitor();

        Assert.Equal("127.0.0.1 http", await WhoAmIAsync(visitor));
        using var response = await visitor.SendAsync(HttpsFormPost(_behindOtherProxy, forwarded: true));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("KnownProxies", "10.0.0.300")]
    [InlineData("KnownNetworks", "10.0.0.0")]
    public void A_wrong_address_stops_the_server_before_it_starts(string key, string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => SessionServer.Build(["--urls", "http://127.0.0.1:0", $"--ActorSessions:ForwardedHeaders:{key}={value}"]));

        Assert.Contains($"ActorSessions:ForwardedHeaders:{key}: '{value}'", e.Message);
    }

    private static void MapWhoAmI(WebApplication app) =>
        app.MapGet("/test/whoami", (HttpContext context) => $"{context.Connection.RemoteIpAddress} {context.Request.Scheme}");

    private static async Task<string> WhoAmIAsync(HttpClient visitor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/test/whoami");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await visitor.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    // What a browser on https://127.0.0.1:port sends through a proxy that ends TLS and passes the Host on.
    private static HttpRequestMessage HttpsFormPost(ServerFixture server, bool forwarded)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/session/data")
        {
            Content = new FormUrlEncodedContent([new("key", "colour"), new("value", "blue")]),
        };
        request.Headers.Add("Origin", $"https://127.0.0.1:{server.BaseAddress.Port}");
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        if (forwarded)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        }

        return request;
    }
}
