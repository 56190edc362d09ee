using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
    public async Task The_sample_counts_visits_in_the_session_and_renews_the_id_at_login()
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ActorSessions.Samples.WebApp.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        using var sample = Process.Start(start)!;
        sample.OutputDataReceived += (_, _) => { };
        sample.ErrorDataReceived += (_, _) => { };
        sample.BeginOutputReadLine();
        sample.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Wait };
            var first = await UntilAnswered(client);
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
        finally
        {
            if (!sample.HasExited)
            {
                sample.Kill(entireProcessTree: true);
                await sample.WaitForExitAsync();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<HttpResponseMessage> UntilAnswered(HttpClient client)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await client.GetAsync("/");
            }
            catch (HttpRequestException) when (clock.Elapsed < Wait)
            {
                await Task.Delay(100);
            }
        }
    }
}
