using System.Net;
using System.Net.Http.Headers;
using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>What exceeds a limit is refused with 400 or 413 and a clear message, and nothing of it is stored.</summary>
public sealed class SessionLimitsSpec
{
    private static void Endpoints(IEndpointRouteBuilder app)
    {
        app.MapPut("/data/{key}", async (string key, HttpContext c) =>
        {
            using var reader = new StreamReader(c.Request.Body);
            var value = await reader.ReadToEndAsync();
            c.Session.SetString("before", "also not stored");
            c.Session.SetString(key, value);
            return "ok";
        });
        app.MapGet("/keys", (HttpContext c) => string.Join(",", c.Session.Keys.Order(StringComparer.Ordinal)));
    }

    private static void Limits(ActorSessionsHttpOptions o)
    {
        o.MaxValueBytes = 100;
        o.MaxKeyLength = 10;
        o.MaxKeys = 3;
        o.MaxRequestBodyBytes = 1000;
    }

    [Fact]
    public async Task A_value_over_the_limit_is_refused_with_413_and_nothing_of_the_request_is_stored()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints, Limits);
        using var browser = app.Browser();
        await browser.PutAsync("/data/a", new StringContent("small"));

        var response = await browser.PutAsync("/data/big", new StringContent(new string('x', 101)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("The value for session key 'big' is 101 bytes; the limit is 100. Nothing was stored.", await response.Content.ReadAsStringAsync());
        Assert.Equal("a,before", await browser.GetStringAsync("/keys"));
    }

    [Fact]
    public async Task A_key_over_the_limit_is_refused_with_400()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints, Limits);
        using var browser = app.Browser();

        var response = await browser.PutAsync("/data/elevenchars", new StringContent("v"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the limit is 10", await response.Content.ReadAsStringAsync());
        Assert.Equal(string.Empty, await browser.GetStringAsync("/keys"));
        Assert.Equal(0, (await app.Container.GetStatsAsync()).Created);
    }

    [Fact]
    public async Task One_key_too_many_is_refused_with_400()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints, Limits);
        using var browser = app.Browser();
        await browser.PutAsync("/data/a", new StringContent("1"));
        await browser.PutAsync("/data/b", new StringContent("2"));

        var response = await browser.PutAsync("/data/c", new StringContent("3"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("holds 3 keys, the limit", await response.Content.ReadAsStringAsync());
        Assert.Equal("a,b,before", await browser.GetStringAsync("/keys"));
    }

    [Fact]
    public async Task A_declared_body_over_the_limit_is_refused_with_413_before_the_endpoint_runs()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints, Limits);
        using var browser = app.Browser();

        var response = await browser.PutAsync("/data/a", new StringContent(new string('x', 1001)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 1000 bytes", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, (await app.Container.GetStatsAsync()).Created);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_refused_with_413()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints, Limits);
        using var browser = app.Browser();
        var content = new StreamContent(new MemoryStream(new byte[5000]));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        var request = new HttpRequestMessage(HttpMethod.Put, "/data/a") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 1000 bytes", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, (await app.Container.GetStatsAsync()).Created);
    }

    [Fact]
    public async Task Invalid_options_are_refused_when_the_app_starts()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            SessionTestApp.StartAsync(Endpoints, o => o.IOTimeout = TimeSpan.Zero));

        Assert.Contains("IOTimeout", error.Message);
    }

    [Fact]
    public async Task Concurrent_writes_cannot_put_more_keys_into_a_session_than_the_container_holds_and_each_refused_one_is_413()
    {
        await using var app = await SessionTestApp.StartAsync(
            endpoints => endpoints.MapPut("/key/{key}", (string key, HttpContext c) =>
            {
                c.Session.SetString(key, "v");
                return Results.NoContent();
            }),
            container: o => o.MaxKeysPerSession = 10);
        using var client = app.Raw();
        var created = await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/key/first"));
        var id = Cookies.SessionCookie(created).Value.Value!;

        // Each request sees the session with one key, under the web layer's MaxKeys: only the container can count them all.
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/key/k{i}").With(id))));

        var stored = (await app.Container.GetAsync(id)).Session.Keys.Count();
        Assert.Equal(10, stored);
        Assert.Equal(stored - 1, responses.Count(r => r.StatusCode == HttpStatusCode.NoContent));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.NoContent), r => Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode));
    }
}
