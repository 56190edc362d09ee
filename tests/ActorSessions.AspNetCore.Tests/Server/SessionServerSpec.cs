using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>The session server's JSON API and page, over real HTTP.</summary>
public sealed class SessionServerSpec(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Get_session_counts_visits_and_tells_whether_the_session_is_new()
    {
        using var visitor = server.Visitor();

        var first = await visitor.GetFromJsonAsync<JsonElement>("/api/session");
        var second = await visitor.GetFromJsonAsync<JsonElement>("/api/session");

        Assert.True(first.GetProperty("isNew").GetBoolean());
        Assert.Equal(1, first.GetProperty("visits").GetInt64());
        Assert.False(second.GetProperty("isNew").GetBoolean());
        Assert.Equal(2, second.GetProperty("visits").GetInt64());
        Assert.Equal(first.GetProperty("createdAt").GetDateTimeOffset(), second.GetProperty("createdAt").GetDateTimeOffset());
        Assert.True(second.GetProperty("lastModified").GetDateTimeOffset() >= first.GetProperty("lastModified").GetDateTimeOffset());
    }

    [Fact]
    public async Task Values_put_are_returned_and_deleted_ones_are_gone()
    {
        using var visitor = server.Visitor();

        Assert.Equal(HttpStatusCode.NoContent, (await visitor.PutAsync("/api/session/data/greeting", new StringContent("hello wörld"))).StatusCode);
        await visitor.PutAsync("/api/session/data/Greeting", new StringContent("case matters"));
        var data = (await visitor.GetFromJsonAsync<JsonElement>("/api/session")).GetProperty("data");
        Assert.Equal("hello wörld", data.GetProperty("greeting").GetString());
        Assert.Equal("case matters", data.GetProperty("Greeting").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await visitor.DeleteAsync("/api/session/data/greeting")).StatusCode);
        data = (await visitor.GetFromJsonAsync<JsonElement>("/api/session")).GetProperty("data");
        Assert.False(data.TryGetProperty("greeting", out _));
        Assert.True(data.TryGetProperty("Greeting", out _));
    }

    [Fact]
    public async Task The_session_id_is_never_in_a_page_or_a_json_body()
    {
        var cookies = new CookieContainer();
        using var visitor = server.Visitor(cookies);
        await visitor.PutAsync("/api/session/data/k", new StringContent("v"));
        var id = cookies.GetCookies(server.BaseAddress)[ActorSessionsHttpOptions.DefaultCookieName]!.Value;

        var bodies = new[]
        {
            await visitor.GetStringAsync("/"),
            await visitor.GetStringAsync("/api/session"),
            await visitor.GetStringAsync("/api/stats"),
            await visitor.GetStringAsync("/api/stats/partitions"),
            await visitor.GetStringAsync("/healthz"),
        };

        Assert.All(bodies, body => Assert.DoesNotContain(id, body, StringComparison.Ordinal));
        Assert.Contains("<title>ActorSessions</title>", bodies[0]);
    }

    [Fact]
    public async Task Renew_gives_a_new_id_with_the_same_data_and_the_old_cookie_opens_nothing()
    {
        var cookies = new CookieContainer();
        using var visitor = server.Visitor(cookies);
        await visitor.PutAsync("/api/session/data/k", new StringContent("v"));
        var oldId = cookies.GetCookies(server.BaseAddress)[ActorSessionsHttpOptions.DefaultCookieName]!.Value;

        Assert.Equal(HttpStatusCode.NoContent, (await visitor.PostAsync("/api/session/renew", null)).StatusCode);
        var newId = cookies.GetCookies(server.BaseAddress)[ActorSessionsHttpOptions.DefaultCookieName]!.Value;

        Assert.NotEqual(oldId, newId);
        Assert.Equal("v", (await visitor.GetFromJsonAsync<JsonElement>("/api/session")).GetProperty("data").GetProperty("k").GetString());
        using var thief = server.Visitor(CookiesFor(oldId));
        var stolen = await thief.GetAsync("/api/session");

        // The old id was retired a moment ago: its writes are refused, and nothing of the session is shown.
        Assert.Equal(HttpStatusCode.Conflict, stolen.StatusCode);
        Assert.DoesNotContain("\"k\"", await stolen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renew_without_a_session_is_not_found()
    {
        using var visitor = server.Visitor();

        Assert.Equal(HttpStatusCode.NotFound, (await visitor.PostAsync("/api/session/renew", null)).StatusCode);
    }

    [Fact]
    public async Task Delete_session_logs_out()
    {
        var cookies = new CookieContainer();
        using var visitor = server.Visitor(cookies);
        await visitor.PutAsync("/api/session/data/k", new StringContent("v"));
        var id = cookies.GetCookies(server.BaseAddress)[ActorSessionsHttpOptions.DefaultCookieName]!.Value;

        Assert.Equal(HttpStatusCode.NoContent, (await visitor.DeleteAsync("/api/session")).StatusCode);

        Assert.Empty(cookies.GetCookies(server.BaseAddress));
        await Assert.ThrowsAsync<SessionNotFoundException>(() => server.Container.GetAsync(id));
    }

    [Fact]
    public async Task An_oversized_value_is_refused_and_nothing_is_stored()
    {
        using var visitor = server.Visitor();
        await visitor.PutAsync("/api/session/data/small", new StringContent("ok"));

        var response = await visitor.PutAsync("/api/session/data/big", new StringContent(new string('x', 4097)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("the limit is 4096", await response.Content.ReadAsStringAsync());
        var data = (await visitor.GetFromJsonAsync<JsonElement>("/api/session")).GetProperty("data");
        Assert.Equal(["small"], data.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Stats_count_what_the_container_did()
    {
        using var visitor = server.Visitor();
        var before = await server.Container.GetStatsAsync();
        await visitor.GetStringAsync("/api/session");
        await visitor.DeleteAsync("/api/session");

        var stats = await visitor.GetFromJsonAsync<JsonElement>("/api/stats");

        Assert.True(stats.GetProperty("created").GetInt64() >= before.Created + 1);
        Assert.True(stats.GetProperty("ended").GetProperty("deleted").GetInt64() >= before.Deleted + 1);
        Assert.True(stats.TryGetProperty("sessions", out _));
        Assert.True(stats.GetProperty("lastCleanup").TryGetProperty("durationMs", out _));
    }

    [Fact]
    public async Task Stats_per_partition_show_the_one_container_as_partition_0_and_no_cluster_node_on_the_page()
    {
        using var visitor = server.Visitor();
        await visitor.GetStringAsync("/api/session");

        var partitions = (await visitor.GetFromJsonAsync<JsonElement>("/api/stats/partitions")).GetProperty("partitions");
        var page = await visitor.GetStringAsync("/");

        var only = Assert.Single(partitions.EnumerateArray());
        Assert.Equal(0, only.GetProperty("partition").GetInt32());
        Assert.StartsWith("akka://actor-sessions-server", only.GetProperty("node").GetString(), StringComparison.Ordinal);
        Assert.True(only.GetProperty("stats").GetProperty("created").GetInt64() >= 1);
        Assert.DoesNotContain("Cluster node", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_is_healthy_while_the_container_answers()
    {
        using var visitor = server.Visitor();

        var response = await visitor.GetAsync("/healthz");

        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("actor-sessions").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Reading_stats_health_or_an_unknown_path_creates_no_session()
    {
        using var visitor = server.Visitor();
        var before = (await server.Container.GetStatsAsync()).Created;

        var responses = new[] { await visitor.GetAsync("/api/stats"), await visitor.GetAsync("/healthz"), await visitor.GetAsync("/nowhere") };

        Assert.All(responses, r => Assert.False(r.Headers.Contains("Set-Cookie")));
        Assert.Equal(before, (await server.Container.GetStatsAsync()).Created);
    }

    [Fact]
    public async Task The_page_form_sets_a_value_and_redirects_home()
    {
        using var visitor = server.Visitor();

        var response = await visitor.PostAsync("/session/data", new FormUrlEncodedContent([new("key", "colour"), new("value", "<blue>")]));
        var page = await visitor.GetStringAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.ToString());
        Assert.Contains("&lt;blue&gt;", page);
        Assert.DoesNotContain("<blue>", page);
    }

    [Fact]
    public async Task A_form_posted_from_another_site_is_refused()
    {
        using var visitor = server.Visitor();
        var request = new HttpRequestMessage(HttpMethod.Post, "/session/logout");
        request.Headers.Add("Origin", "https://evil.example");

        var response = await visitor.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private CookieContainer CookiesFor(string id)
    {
        var cookies = new CookieContainer();
        cookies.Add(server.BaseAddress, new Cookie(ActorSessionsHttpOptions.DefaultCookieName, id));
        return cookies;
    }
}
