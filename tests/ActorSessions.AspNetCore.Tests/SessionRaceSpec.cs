using System.Net;
using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>
/// A write racing a login (renewal) or a logout never forks a new session and never reaches the renewed
/// session's data: it is refused with 409 and nothing is stored. The races are driven in a fixed order.
/// </summary>
public sealed class SessionRaceSpec
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Endpoints(IEndpointRouteBuilder app)
    {
        app.MapPost("/set/{key}/{value}", (string key, string value, HttpContext c) =>
        {
            c.Session.SetString(key, value);
            return "ok";
        });

        // Loaded, then held until the spec has raced it.
        app.MapPost("/held/{key}/{value}", async (string key, string value, HttpContext c) =>
        {
            _loaded.SetResult();
            await _release.Task;
            c.Session.SetString(key, value);
            return "ok";
        });
        app.MapPost("/held-login", async (HttpContext c) =>
        {
            _loaded.SetResult();
            await _release.Task;
            await c.RenewSessionIdAsync();
            c.Session.SetString("user", "ada");
            return "ok";
        });
    }

    private static async Task<string> CreateAsync(HttpClient client)
    {
        var created = await client.PostAsync("/set/a/1", sessionId: null);
        created.EnsureSuccessStatusCode();
        return Cookies.SessionCookie(created).Value.Value!;
    }

    /// <summary>Sends <paramref name="path"/> with the session's cookie, runs <paramref name="race"/> once the request has loaded the session, then lets the request go on.</summary>
    private async Task<HttpResponseMessage> RacedAsync(HttpClient client, string path, string id, Func<Task> race)
    {
        var held = client.PostAsync(path, id);
        await _loaded.Task;
        await race();
        _release.SetResult();
        return await held;
    }

    [Fact]
    public async Task A_write_whose_session_was_renewed_while_it_ran_is_refused_with_409_and_reaches_neither_session()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();
        var id = await CreateAsync(client);
        SessionRenewed? renewed = null;

        var response = await RacedAsync(client, "/held/b/2", id, async () => renewed = await app.Container.RenewAsync(id));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Empty(Cookies.SetCookies(response));
        Assert.Null((await app.Container.GetAsync(renewed!.Session.Id)).Session.GetString("b"));
        Assert.Equal(1, (await app.Container.GetStatsAsync()).Created);
    }

    [Fact]
    public async Task A_write_whose_session_was_ended_while_it_ran_is_refused_with_409_and_starts_no_session()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();
        var id = await CreateAsync(client);

        var response = await RacedAsync(client, "/held/b/2", id, () => app.Container.DeleteAsync(id));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Empty(Cookies.SetCookies(response));
        Assert.Equal(1, (await app.Container.GetStatsAsync()).Created);
    }

    [Fact]
    public async Task A_login_whose_session_another_login_renewed_while_it_ran_is_refused_with_409_and_forks_nothing()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();
        var id = await CreateAsync(client);
        SessionRenewed? renewed = null;

        var response = await RacedAsync(client, "/held-login", id, async () => renewed = await app.Container.RenewAsync(id));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Empty(Cookies.SetCookies(response));
        Assert.Null((await app.Container.GetAsync(renewed!.Session.Id)).Session.GetString("user"));
        Assert.Equal(1, (await app.Container.GetStatsAsync()).Created);
    }

    [Fact]
    public async Task A_write_arriving_with_an_id_renewed_just_before_is_refused_with_409()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();
        var id = await CreateAsync(client);
        var renewed = await app.Container.RenewAsync(id);

        var response = await client.PostAsync("/set/b/2", id);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Empty(Cookies.SetCookies(response));
        Assert.Null((await app.Container.GetAsync(renewed.Session.Id)).Session.GetString("b"));
        Assert.Equal(1, (await app.Container.GetStatsAsync()).Created);
    }

    [Fact]
    public async Task A_write_arriving_with_an_id_logged_out_just_before_is_refused_with_409()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();
        var id = await CreateAsync(client);
        await app.Container.DeleteAsync(id);

        var response = await client.PostAsync("/set/b/2", id);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Empty(Cookies.SetCookies(response));
        Assert.Equal(1, (await app.Container.GetStatsAsync()).Created);
    }

    [Fact]
    public async Task A_write_with_an_id_the_container_never_issued_still_starts_a_fresh_session()
    {
        await using var app = await SessionTestApp.StartAsync(Endpoints);
        using var client = app.Raw();

        var response = await client.PostAsync("/set/b/2", "AAAAAAAAAAAAAAAAAAAA");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual("AAAAAAAAAAAAAAAAAAAA", Cookies.SessionCookie(response).Value.Value);
    }
}
