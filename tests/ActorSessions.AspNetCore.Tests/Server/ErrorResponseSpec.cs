using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>
/// Malformed requests get 4xx with a plain message, an unhandled exception a plain 500, and no error body
/// ever carries an exception or a stack trace: on a server in Development, where ASP.NET Core adds the
/// developer exception page.
/// </summary>
public sealed class ErrorResponseSpec : IAsyncLifetime
{
    private const string Secret = "a detail only the server may know";

    private readonly ServerFixture _server = new(
        builder => builder.Environment.EnvironmentName = Environments.Development,
        app =>
        {
            app.MapGet("/test/throw", string () => throw new InvalidOperationException(Secret));
            app.MapGet("/test/environment", (IWebHostEnvironment environment) => environment.EnvironmentName);
        });

    public static TheoryData<string, int> Errors => new()
    {
        { "form as text/plain", 415 },
        { "form as json", 415 },
        { "form as multipart", 415 },
        { "form without a content type", 415 },
        { "form with 1500 fields", 400 },
        { "form with a 3000-character field name", 400 },
        { "form of 70000 bytes", 413 },
        { "value of 70000 bytes", 413 },
        { "cross-site form", 403 },
        { "wrong method", 405 },
        { "unknown path", 404 },
        { "unhandled exception", 500 },
    };

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task The_server_runs_in_Development_where_the_developer_exception_page_would_be_on()
    {
        using var visitor = _server.Visitor();

        Assert.Equal(Environments.Development, await visitor.GetStringAsync("/test/environment"));
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task A_bad_request_gets_its_status_and_a_body_without_exception_or_stack_trace(string error, int status)
    {
        using var visitor = _server.Visitor();
        using var request = Request(error);
        request.Headers.Accept.ParseAdd("text/html,application/json;q=0.9,*/*;q=0.8");

        using var response = await visitor.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.DoesNotContain("Exception", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\sat [\w.`<>+]+\(", body);
        Assert.DoesNotContain(".cs:line", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_form_is_told_what_is_wrong_in_plain_text()
    {
        using var visitor = _server.Visitor();

        using var unsupported = await visitor.SendAsync(Request("form as json"));
        using var tooMany = await visitor.SendAsync(Request("form with 1500 fields"));

        Assert.Equal("text/plain; charset=utf-8", unsupported.Content.Headers.ContentType?.ToString());
        Assert.Equal("The form must be sent as application/x-www-form-urlencoded.", await unsupported.Content.ReadAsStringAsync());
        Assert.Equal("The form cannot be read: it may have at most 32 fields, each name at most 256 characters.", await tooMany.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unhandled_exception_is_a_plain_500_problem_that_no_cache_keeps()
    {
        using var visitor = _server.Visitor();

        using var response = await visitor.SendAsync(Request("unhandled exception"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":500", await response.Content.ReadAsStringAsync());
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
    }

    private static HttpRequestMessage Request(string error) => error switch
    {
        "form as text/plain" => Post("/session/data", new StringContent("key=k&value=v")),
        "form as json" => Post("/session/data", new StringContent("""{"key":"k","value":"v"}""", Encoding.UTF8, "application/json")),
        "form as multipart" => Post("/session/data", new MultipartFormDataContent { { new StringContent("k"), "key" } }),
        "form without a content type" => Post("/session/data/remove", new ByteArrayContent("key=k"u8.ToArray())),
        "form with 1500 fields" => Post("/session/data", Form(string.Join('&', Enumerable.Range(0, 1500).Select(i => $"f{i}=")))),
        "form with a 3000-character field name" => Post("/session/data", Form(new string('k', 3000) + "=v")),
        "form of 70000 bytes" => Post("/session/data", Form("key=k&value=" + new string('v', 70000))),
        "value of 70000 bytes" => new HttpRequestMessage(HttpMethod.Put, "/api/session/data/k") { Content = new StringContent(new string('v', 70000)) },
        "cross-site form" => CrossSite(Post("/session/logout", Form(string.Empty))),
        "wrong method" => new HttpRequestMessage(HttpMethod.Get, "/session/logout"),
        "unknown path" => new HttpRequestMessage(HttpMethod.Get, "/nowhere"),
        "unhandled exception" => new HttpRequestMessage(HttpMethod.Get, "/test/throw"),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };

    private static HttpRequestMessage Post(string path, HttpContent content) => new(HttpMethod.Post, path) { Content = content };

    private static ByteArrayContent Form(string body)
    {
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.ContentType = new("application/x-www-form-urlencoded");
        return content;
    }

    private static HttpRequestMessage CrossSite(HttpRequestMessage request)
    {
        request.Headers.Add("Origin", "https://evil.example");
        return request;
    }
}
