using System.Net;
using ActorSessions.AspNetCore.Tests.Support;

namespace ActorSessions.AspNetCore.Tests.Samples;

/// <summary>
/// The README's ASP.NET Core example is samples/ActorSessions.Samples.WebApp, quoted verbatim, and it
/// works as the README says: a visit counter in HttpContext.Session and a login that renews the id. The
/// sample runs as a child process on 127.0.0.1 and is stopped by its id.
/// </summary>
public sealed class WebAppSampleSpec
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static string Root => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    [Fact]
    public void The_readme_quotes_the_sample_as_it_is()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md")).ReplaceLineEndings("\n");
        var sample = File.ReadAllText(Path.Combine(Root, "samples", "ActorSessions.Samples.WebApp", "Program.cs")).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + sample + "```", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void The_AspNetCore_package_readme_quotes_the_sample_as_it_is()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "src", "ActorSessions.AspNetCore", "README.md")).ReplaceLineEndings("\n");
        var sample = File.ReadAllText(Path.Combine(Root, "samples", "ActorSessions.Samples.WebApp", "Program.cs")).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + sample + "```", readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sample_counts_visits_in_the_session_and_renews_the_id_at_login()
    {
        await using var sample = ChildApp.Start("ActorSessions.Samples.WebApp.dll");
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = sample.Address, Timeout = Wait };
        var first = await sample.FirstAnswerAsync(client, "/");
        Assert.Equal("visit 1", await first.Content.ReadAsStringAsync());

        // The sample's cookie is Secure (SecurePolicy = Always), which a client sends back over HTTPS only: sent by hand here.
        var id = Cookies.SessionCookie(first).Value.Value!;
        var second = await client.GetAsync("/", id);
        Assert.Equal("visit 2", await second.Content.ReadAsStringAsync());
        var login = await client.PostAsync("/login", id);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var renewed = Cookies.SessionCookie(login);
        Assert.True(renewed.Secure);
        Assert.NotEqual(id, renewed.Value.Value);
        Assert.Equal("visit 3", await (await client.GetAsync("/", renewed.Value.Value)).Content.ReadAsStringAsync());
    }
}
