using System.Net;
using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>
/// A flood of throwaway sessions cannot log out users who came back: at max-sessions the container evicts
/// sessions that were never used again first. Bounded in count, 127.0.0.1 only.
/// </summary>
public sealed class FloodSpec
{
    [Fact]
    public async Task Users_who_came_back_survive_a_flood_of_ten_times_max_sessions_single_use_sessions()
    {
        const int maxSessions = 50;
        const int victims = 20;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        await using var app = await SessionTestApp.StartAsync(
            endpoints =>
            {
                endpoints.MapPut("/who/{name}", (string name, HttpContext c) =>
                {
                    c.Session.SetString("who", name);
                    return Results.NoContent();
                });
                endpoints.MapGet("/who", (HttpContext c) => c.Session.GetString("who") ?? "(nobody)");
            },

            // The flood comes from this one address: the per-address limit would stop it before the container.
            options: o => o.NewSessionsPerMinute = null,
            container: o =>
            {
                o.MaxSessions = maxSessions;
                o.TimeProvider = clock;
            });
        using var client = app.Raw();

        var ids = new string[victims];
        for (var i = 0; i < victims; i++)
        {
            ids[i] = Cookies.SessionCookie(await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/who/victim-{i}"))).Value.Value!;
        }

        // They come back a little later: a second request protects a session.
        clock.Advance(TimeSpan.FromSeconds(5));
        foreach (var id in ids)
        {
            Assert.StartsWith("victim-", await (await client.GetAsync("/who", id)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var flood = await Task.WhenAll(Enumerable.Range(0, maxSessions * 10).Select(i =>
            client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/who/flood-{i}"))));

        // A flood session may be evicted by the next before its data is stored: it is then refused, never 2xx.
        Assert.All(flood, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.NoContent, HttpStatusCode.ServiceUnavailable }));
        Assert.Contains(flood, r => r.StatusCode == HttpStatusCode.NoContent);
        for (var i = 0; i < victims; i++)
        {
            Assert.Equal($"victim-{i}", await (await client.GetAsync("/who", ids[i])).Content.ReadAsStringAsync());
        }

        var stats = await app.Container.GetStatsAsync();
        Assert.Equal(maxSessions, stats.Count);
        Assert.Equal(stats.Created - maxSessions, stats.Evicted);
    }
}
