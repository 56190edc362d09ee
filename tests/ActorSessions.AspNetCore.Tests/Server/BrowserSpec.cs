using Microsoft.Playwright;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>
/// The page at <c>/</c> in a real browser: headless Chromium from Debian's package (scripts/ensure-chromium.sh
/// installs it), driven by Playwright with <c>ExecutablePath</c>, so nothing is downloaded. The screenshots
/// go to <c>TestResults/browser/</c> at the repository root.
/// </summary>
public sealed class BrowserSpec(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string ChromiumPath = "/usr/bin/chromium";

    [Fact]
    public async Task A_visitor_sets_a_value_sees_it_after_a_reload_renews_the_id_and_logs_out()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: run 'bash scripts/ensure-chromium.sh' (the test command does).");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 760 } });
        var page = await context.NewPageAsync();
        var policyErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal) || message.Text.Contains("Permissions-Policy", StringComparison.Ordinal))
            {
                policyErrors.Add(message.Text);
            }
        };

        await page.GotoAsync(server.BaseAddress.ToString());
        Assert.Equal("1", await page.InnerTextAsync("#visits"));

        // The style is a file of its own (no inline style): the header has its colour.
        Assert.Equal("rgb(29, 36, 51)", await page.EvalOnSelectorAsync<string>("header", "e => getComputedStyle(e).backgroundColor"));
        var firstId = await SessionCookieAsync(context);
        Assert.True(firstId.HttpOnly);

        await page.FillAsync("input[name=key]", "colour");
        await page.FillAsync("input[name=value]", "blue <b>not bold</b>");
        await page.ClickAsync("#set");
        await page.ReloadAsync();
        Assert.Equal("blue <b>not bold</b>", await page.InnerTextAsync("#data tr[data-key=colour] td.value"));
        Assert.Equal("3", await page.InnerTextAsync("#visits"));
        Assert.DoesNotContain(firstId.Value, await page.ContentAsync());
        // The script is a file of its own too (no inline script): the statistics panel refreshes itself.
        await page.WaitForFunctionAsync("() => document.getElementById('stats-updated').textContent.startsWith('Updated')");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("1-value-set.png"), FullPage = true });

        await page.ClickAsync("#renew");
        var renewedId = await SessionCookieAsync(context);
        Assert.NotEqual(firstId.Value, renewedId.Value);
        Assert.Equal("blue <b>not bold</b>", await page.InnerTextAsync("#data tr[data-key=colour] td.value"));
        Assert.Equal("4", await page.InnerTextAsync("#visits"));
        await Assert.ThrowsAsync<SessionNotFoundException>(() => server.Container.GetAsync(firstId.Value));

        await page.ClickAsync("#logout");
        var afterLogout = await SessionCookieAsync(context);
        Assert.NotEqual(renewedId.Value, afterLogout.Value);
        Assert.Equal("1", await page.InnerTextAsync("#visits"));
        Assert.Equal(0, await page.Locator("#data tr[data-key]").CountAsync());
        await Assert.ThrowsAsync<SessionNotFoundException>(() => server.Container.GetAsync(renewedId.Value));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("2-after-logout.png"), FullPage = true });
        Assert.Empty(policyErrors);
    }

    private static async Task<BrowserContextCookiesResult> SessionCookieAsync(IBrowserContext context) =>
        Assert.Single(await context.CookiesAsync(), c => c.Name == ActorSessionsHttpOptions.DefaultCookieName);

    /// <summary>TestResults/browser/ at the repository root (the folder that holds ActorSessions.sln).</summary>
    private static string ScreenshotPath(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorSessions.sln")))
        {
            dir = dir.Parent;
        }

        var folder = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "TestResults", "browser");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
