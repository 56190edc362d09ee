using System.Net;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>
/// The one origin rule over every endpoint that changes a session, forms and API alike, over real HTTP:
/// a browser's cross-site request is refused and changes nothing; a same-origin one and one with neither
/// header (curl) go through.
/// </summary>
public sealed class SameOriginRuleSpec(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] Writes =
    [
        "POST /session/data", "POST /session/data/remove", "POST /session/renew", "POST /session/logout",
        "PUT /api/session/data/k", "DELETE /api/session/data/k", "POST /api/session/renew", "DELETE /api/session",
    ];

    // {self} is the server's own origin, {port} its port.
    private static readonly string[] CrossSite =
    [
        "Origin: null",
        "Origin: https://evil.example",
        "Origin: http://localhost:{port}",
        "Origin: https://127.0.0.1:{port}",
        "Origin: {self}/",
        "Sec-Fetch-Site: cross-site",
        "Sec-Fetch-Site: same-site",
        "Origin: {self}|Sec-Fetch-Site: same-site",
    ];

    private static readonly string[] SameOrigin = ["", "Origin: {self}|Sec-Fetch-Site: same-origin", "Origin: {self}"];

    public static TheoryData<string, string> CrossSiteWrites => Cross(Writes, CrossSite);

    public static TheoryData<string, string> SameOriginWrites => Cross(Writes, SameOrigin);

    [Theory]
    [MemberData(nameof(CrossSiteWrites))]
    public async Task A_cross_site_write_is_refused_and_changes_nothing(string write, string headers)
    {
        var (visitor, id) = await VisitorWithValueAsync();
        using (visitor)
        {
            using var response = await visitor.SendAsync(Request(write, headers));

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("Cross-site requests that change the session are refused.", await response.Content.ReadAsStringAsync());
            Assert.True(await StillHoldsTheValueAsync(id), $"{write} changed the session.");
        }
    }

    [Theory]
    [MemberData(nameof(SameOriginWrites))]
    public async Task A_same_origin_write_or_one_without_browser_headers_goes_through(string write, string headers)
    {
        var (visitor, id) = await VisitorWithValueAsync();
        using (visitor)
        {
            using var response = await visitor.SendAsync(Request(write, headers));

            Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Redirect, $"{write}: {(int)response.StatusCode}");
            Assert.False(await StillHoldsTheValueAsync(id), $"{write} changed nothing.");
        }
    }

    [Fact]
    public async Task Reads_pass_whatever_site_they_come_from()
    {
        using var visitor = server.Visitor();

        using var response = await visitor.SendAsync(Request("GET /api/session", "Origin: https://evil.example|Sec-Fetch-Site: cross-site"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<(HttpClient Visitor, string Id)> VisitorWithValueAsync()
    {
        var cookies = new CookieContainer();
        var visitor = server.Visitor(cookies);
        (await visitor.PutAsync("/api/session/data/k", new StringContent("v"))).EnsureSuccessStatusCode();
        return (visitor, cookies.GetCookies(server.BaseAddress)[ActorSessionsHttpOptions.DefaultCookieName]!.Value);
    }

    // Every write above changes k or the session under the id: sets or removes k, renews or ends the session.
    private async Task<bool> StillHoldsTheValueAsync(string id)
    {
        try
        {
            return (await server.Container.GetAsync(id)).Session.GetString("data:k") == "v";
        }
        catch (SessionNotFoundException)
        {
            return false;
        }
    }

    private HttpRequestMessage Request(string write, string headers)
    {
        var (method, path) = (write.Split(' ')[0], write.Split(' ')[1]);
        var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = path switch
            {
                "/session/data" => new FormUrlEncodedContent([new("key", "k"), new("value", "changed")]),
                "/session/data/remove" => new FormUrlEncodedContent([new("key", "k")]),
                "/api/session/data/k" when method == "PUT" => new StringContent("changed"),
                _ when method == "POST" => new FormUrlEncodedContent([]),
                _ => null,
            },
        };
        var self = server.BaseAddress.GetLeftPart(UriPartial.Authority);
        foreach (var header in headers.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (header[..header.IndexOf(':')], header[(header.IndexOf(':') + 2)..]);
            request.Headers.TryAddWithoutValidation(name, value.Replace("{self}", self).Replace("{port}", server.BaseAddress.Port.ToString()));
        }

        return request;
    }

    private static TheoryData<string, string> Cross(string[] writes, string[] headers)
    {
        var data = new TheoryData<string, string>();
        foreach (var write in writes)
        {
            foreach (var header in headers)
            {
                data.Add(write, header);
            }
        }

        return data;
    }
}
