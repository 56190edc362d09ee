using System.Net;
using System.Text.RegularExpressions;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>The OWASP secure headers on every kind of response the server gives, over real HTTP.</summary>
public sealed partial class SecurityHeadersSpec(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string> Responses => new()
    {
        { "GET", "/" },
        { "GET", "/api/session" },
        { "PUT", "/api/session/data/colour" },
        { "DELETE", "/api/session" },
        { "POST", "/session/data" },
        { "GET", "/api/stats" },
        { "GET", "/healthz" },
        { "GET", "/app.js" },
        { "GET", "/nowhere" },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Every_response_carries_the_secure_headers_and_no_server_header(string method, string path)
    {
        using var response = await SendAsync(method, path);

        Assert.Equal(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"));
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Opener-Policy"));
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Resource-Policy"));
        Assert.False(response.Headers.Contains("Server"));
    }

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task No_dynamic_response_may_be_stored_by_a_cache(string method, string path)
    {
        using var response = await SendAsync(method, path);

        var cacheControl = Header(response, "Cache-Control");
        if (path == "/app.js")
        {
            // A file of the server's own, the same for everyone: cached, but revalidated by its ETag.
            Assert.Equal("no-cache", cacheControl);
            Assert.NotNull(response.Headers.ETag);
        }
        else
        {
            // The health check sets its own "no-store, no-cache"; no-store is what keeps it out of every cache.
            Assert.Contains("no-store", cacheControl.Split(',', StringSplitOptions.TrimEntries));
        }
    }

    [Fact]
    public async Task The_page_has_no_inline_script_style_or_event_handler()
    {
        using var visitor = server.Visitor();

        var page = await visitor.GetStringAsync("/");

        Assert.Contains("<script src=\"/app.js\"", page);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/app.css\">", page);
        Assert.DoesNotMatch(InlineCode(), page);
    }

    [Fact]
    public async Task The_page_files_load_no_session_and_are_revalidated_by_their_etag()
    {
        using var visitor = server.Visitor();
        await visitor.GetStringAsync("/api/session");
        var before = (await server.Container.GetStatsAsync()).Created;

        using var first = await visitor.GetAsync("/app.css");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/app.css");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await visitor.SendAsync(again);

        Assert.Equal("text/css; charset=utf-8", first.Content.Headers.ContentType?.ToString());
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.False(first.Headers.Contains("Set-Cookie"));
        Assert.Equal(before, (await server.Container.GetStatsAsync()).Created);
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path)
    {
        using var visitor = server.Visitor();
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method switch
            {
                "PUT" => new StringContent("blue"),
                "POST" => new FormUrlEncodedContent([new("key", "colour"), new("value", "blue")]),
                _ => null,
            },
        };
        return await visitor.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{name} is missing from {(int)response.StatusCode} {response.RequestMessage?.RequestUri}.");

    // A <script> without src, any <style> element or attribute, an on...= handler or a javascript: URL.
    [GeneratedRegex(@"<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=|javascript:", RegexOptions.IgnoreCase)]
    private static partial Regex InlineCode();
}
