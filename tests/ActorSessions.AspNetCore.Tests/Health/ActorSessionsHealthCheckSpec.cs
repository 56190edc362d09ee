using System.Net;
using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorSessions.AspNetCore.Tests.Health;

/// <summary>The packaged health check reports the store: Unhealthy, with the reason, while writes do not commit.</summary>
public sealed class ActorSessionsHealthCheckSpec
{
    private static Task<SessionTestApp> StartAsync(FaultyStore? store) =>
        SessionTestApp.StartAsync(
            endpoints =>
            {
                endpoints.MapHealthChecks("/healthz");
                endpoints.MapPost("/set", (HttpContext c) =>
                {
                    c.Session.SetString("a", "1");
                    return "ok";
                });
            },
            container: o => o.SessionStore = store is null ? null : _ => store,
            services: s => s.AddHealthChecks().AddActorSessions());

    [Fact]
    public async Task Healthy_in_memory_and_while_the_store_commits()
    {
        await using var memory = await StartAsync(store: null);
        await using var durable = await StartAsync(new FaultyStore());

        // A durable container is Unhealthy until it has recovered its sessions; a write waits for that.
        Assert.Equal(HttpStatusCode.OK, (await durable.Raw().PostAsync("/set", sessionId: null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await memory.Raw().GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await durable.Raw().GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Unhealthy_once_the_store_refuses_a_commit_and_healthy_again_when_it_is_back()
    {
        var store = new FaultyStore();
        await using var app = await StartAsync(store);
        using var client = app.Raw();

        store.Fault = new InvalidOperationException("disk I/O error");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostAsync("/set", sessionId: null)).StatusCode);
        var down = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var downOverHttp = await client.GetAsync("/healthz");
        store.Fault = null;

        // The container probes the store with backoff (200 ms first); bounded wait for its probe to succeed.
        var up = downOverHttp;
        for (var i = 0; i < 100 && up.StatusCode != HttpStatusCode.OK; i++)
        {
            await Task.Delay(100);
            up = await client.GetAsync("/healthz");
        }

        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Contains("disk I/O error", down.Entries["actor-sessions"].Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, downOverHttp.StatusCode);
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }
}
