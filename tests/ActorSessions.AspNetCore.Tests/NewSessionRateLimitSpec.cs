using System.Net;
using System.Threading.RateLimiting;
using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>New sessions are limited per client address: past the limit a request that would create one gets 429 and stores nothing.</summary>
public sealed class NewSessionRateLimitSpec
{
    private static void Endpoints(IEndpointRouteBuilder app) =>
        app.MapPost("/set/{key}/{value}", (string key, string value, HttpContext c) =>
        {
            c.Session.SetString(key, value);
            return "ok";
        });

    [Fact]
    public async Task Past_the_burst_a_new_session_is_refused_with_429_and_retry_after_and_nothing_is_stored()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints, o =>
        {
            o.NewSessionsPerMinute = 1;
            o.NewSessionBurst = 2;
        });
        using var client = app.Raw();

        var first = await client.PostAsync("/set/a/1", sessionId: null);
        var second = await client.PostAsync("/set/a/1", sessionId: null);
        var third = await client.PostAsync("/set/a/1", sessionId: null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter?.Delta);
        Assert.Empty(Cookies.SetCookies(third));
        Assert.Equal(2, (await app.Container.GetStatsAsync()).Created);
    }

    [Fact]
    public async Task A_client_past_its_limit_still_writes_to_the_sessions_it_has()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints, o =>
        {
            o.NewSessionsPerMinute = 1;
            o.NewSessionBurst = 1;
        });
        using var client = app.Raw();
        var id = Cookies.SessionCookie(await client.PostAsync("/set/a/1", sessionId: null)).Value.Value!;
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsync("/set/a/1", sessionId: null)).StatusCode);

        var write = await client.PostAsync("/set/a/2", id);

        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        Assert.Equal("2", (await app.Container.GetAsync(id)).Session.GetString("a"));
    }

    [Fact]
    public async Task An_apps_own_limiter_replaces_the_per_address_one()
    {
        using var onePermit = PartitionedRateLimiter.Create<HttpContext, int>(_ => RateLimitPartition.GetFixedWindowLimiter(
            0, _ => new FixedWindowRateLimiterOptions { PermitLimit = 1, Window = TimeSpan.FromHours(1), QueueLimit = 0 }));
        await using var app = await SessionTestApp.StartAsync(Endpoints, o => o.NewSessionLimiter = onePermit);
        using var client = app.Raw();

        var first = await client.PostAsync("/set/a/1", sessionId: null);
        var second = await client.PostAsync("/set/a/1", sessionId: null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(1, (await app.Container.GetStatsAsync()).Created);
    }
}
