using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>Many clients at once: each keeps its own session.</summary>
public sealed class ConcurrentClientsSpec
{
    [Fact]
    public async Task Two_hundred_concurrent_clients_each_keep_their_own_session()
    {
        const int clients = 200;
        const int rounds = 5;
        await using var app = await SessionTestApp.StartAsync(endpoints =>
        {
            endpoints.MapPost("/me/{name}", (string name, HttpContext c) =>
            {
                var count = int.Parse(c.Session.GetString("count") ?? "0", System.Globalization.CultureInfo.InvariantCulture) + 1;
                c.Session.SetString("owner", c.Session.GetString("owner") ?? name);
                c.Session.SetString("count", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return $"{c.Session.GetString("owner")}:{count}";
            });
        },

        // Every client comes from 127.0.0.1: the per-address limit on new sessions would refuse most of them.
        options: o => o.NewSessionsPerMinute = null);

        var answers = await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
        {
            using var browser = app.Browser();
            var seen = new List<string>();
            for (var round = 0; round < rounds; round++)
            {
                var response = await browser.PostAsync($"/me/client-{i}", null);
                seen.Add(await response.Content.ReadAsStringAsync());
            }

            return (i, seen);
        }));

        foreach (var (i, seen) in answers)
        {
            Assert.Equal(Enumerable.Range(1, rounds).Select(n => $"client-{i}:{n}"), seen);
        }

        var stats = await app.Container.GetStatsAsync();
        Assert.Equal(clients, stats.Created);
        Assert.Equal(clients, stats.Count);
    }
}
