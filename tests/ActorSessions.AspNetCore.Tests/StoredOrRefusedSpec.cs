using System.Net;
using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>A 2xx means stored: a request whose session changes could not be stored is never answered as a success.</summary>
public sealed class StoredOrRefusedSpec
{
    private static readonly InvalidOperationException Outage = new("disk I/O error");

    private static void Endpoints(IEndpointRouteBuilder app)
    {
        app.MapPost("/set/{key}/{value}", (string key, string value, HttpContext c) =>
        {
            c.Session.SetString(key, value);
            return "stored, says the endpoint";
        });
        app.MapPost("/set-no-content/{key}/{value}", (string key, string value, HttpContext c) =>
        {
            c.Session.SetString(key, value);
            return Results.NoContent();
        });
        app.MapPost("/json/{key}/{value}", (string key, string value, HttpContext c) =>
        {
            c.Session.SetString(key, value);
            return Results.Ok(new { stored = true });
        });
        app.MapPost("/stream-then-set/{key}/{value}", async (string key, string value, HttpContext c) =>
        {
            await c.Response.WriteAsync("streaming...");
            await c.Response.Body.FlushAsync();
            c.Session.SetString(key, value);
        });
        app.MapPost("/logout", async (HttpContext c) =>
        {
            await c.EndSessionAsync();
            return "logged out";
        });
        app.MapGet("/read/{key}", (string key, HttpContext c) => c.Session.GetString(key) ?? "(none)");
    }

    private static Task<SessionTestApp> StartAsync(FaultyStore store, Action<ActorSessionsHttpOptions>? options = null, Action<IServiceCollection>? services = null) =>
        SessionTestApp.StartAsync(Endpoints, options, container: o => o.SessionStore = _ => store, services: services);

    private static async Task<string> CreateAsync(HttpClient client, string key, string value)
    {
        var created = await client.PostAsync($"/set/{key}/{value}", sessionId: null);
        created.EnsureSuccessStatusCode();
        return Cookies.SessionCookie(created).Value.Value!;
    }

    [Theory]
    [InlineData("/set/a/2")]
    [InlineData("/set-no-content/a/2")]
    [InlineData("/json/a/2")]
    public async Task A_write_the_store_refuses_is_answered_503_with_retry_after_and_the_session_keeps_its_stored_value(string path)
    {
        var store = new FaultyStore();
        await using var app = await StartAsync(store);
        using var client = app.Raw();
        var id = await CreateAsync(client, "a", "1");
        var row = store.Rows[id];

        store.Fault = Outage;
        var response = await client.PostAsync(path, id);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Equal("The session could not be stored; nothing was changed. Try again shortly.", await response.Content.ReadAsStringAsync());
        Assert.Empty(Cookies.SetCookies(response));
        Assert.Equal("1", (await app.Container.GetAsync(id)).Session.GetString("a"));
        Assert.Same(row, store.Rows[id]);
    }

    [Fact]
    public async Task A_first_write_the_store_refuses_sets_no_cookie_and_creates_no_session()
    {
        var store = new FaultyStore { Fault = Outage };
        await using var app = await StartAsync(store);
        using var client = app.Raw();

        var response = await client.PostAsync("/set/a/1", sessionId: null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(Cookies.SetCookies(response));
        Assert.Empty(store.Rows);
    }

    [Fact]
    public async Task A_logout_the_store_refuses_is_503_and_the_session_goes_on()
    {
        var store = new FaultyStore();
        await using var app = await StartAsync(store);
        using var client = app.Raw();
        var id = await CreateAsync(client, "a", "1");

        store.Fault = Outage;
        var response = await client.PostAsync("/logout", id);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(Cookies.SetCookies(response));
        Assert.Equal("1", (await app.Container.GetAsync(id)).Session.GetString("a"));
    }

    [Fact]
    public async Task A_write_after_the_response_started_that_the_store_refuses_aborts_the_connection()
    {
        var store = new FaultyStore();
        await using var app = await StartAsync(store);
        using var client = app.Raw();
        var id = await CreateAsync(client, "a", "1");

        store.Fault = Outage;
        var error = await Record.ExceptionAsync(async () =>
        {
            using var response = await client.PostAsync("/stream-then-set/a/2", id);
            await response.Content.ReadAsStringAsync();
        });

        Assert.IsAssignableFrom<HttpRequestException>(error);
        Assert.Equal("1", (await app.Container.GetAsync(id)).Session.GetString("a"));
    }

    [Fact]
    public async Task With_the_apps_ProblemDetails_the_503_is_a_problem_document()
    {
        var store = new FaultyStore();
        await using var app = await StartAsync(store, services: s => s.AddProblemDetails());
        using var client = app.Raw();
        var id = await CreateAsync(client, "a", "1");

        store.Fault = Outage;
        var response = await client.PostAsync("/json/a/2", id);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("nothing was changed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_go_on_while_the_store_refuses_writes()
    {
        var store = new FaultyStore();
        await using var app = await StartAsync(store);
        using var client = app.Raw();
        var id = await CreateAsync(client, "a", "1");

        store.Fault = Outage;
        var read = await client.GetAsync("/read/a", id);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("1", await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Behind_a_middleware_that_swaps_the_body_itself_the_answer_arrives_whole_and_the_write_is_stored()
    {
        var store = new FaultyStore();
        await using var app = await SessionTestApp.StartAsync(
            endpoints =>
            {
                ((IApplicationBuilder)endpoints).UseResponseCompression();
                endpoints.MapPost("/big", async (HttpContext c) =>
                {
                    c.Session.SetString("a", "2");
                    await c.Response.WriteAsync(new string('x', 100_000));
                });
            },
            container: o => o.SessionStore = _ => store,
            services: s => s.AddResponseCompression(o => o.EnableForHttps = true));
        using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.All, UseCookies = false })
        {
            BaseAddress = app.BaseAddress,
        };

        var response = await client.PostAsync("/big", content: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(100_000, (await response.Content.ReadAsStringAsync()).Length);
        Assert.Equal("2", (await app.Container.GetAsync(Cookies.SessionCookie(response).Value.Value!)).Session.GetString("a"));
    }
}
