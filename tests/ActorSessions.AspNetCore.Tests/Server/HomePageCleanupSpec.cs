namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>The page's last-cleanup figure, on a server of its own so no other spec's cleanup runs first.</summary>
public sealed class HomePageCleanupSpec : IAsyncLifetime
{
    private readonly ServerFixture _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task The_page_says_no_cleanup_has_run_until_one_has_and_then_gives_its_figures()
    {
        using var visitor = _server.Visitor();

        Assert.Contains("id=\"stat-cleanup\">none yet<", await visitor.GetStringAsync("/"));

        await _server.Container.CleanupAsync();
        var page = await visitor.GetStringAsync("/");

        Assert.Matches(@"id=""stat-cleanup"">[0-9.]+ ms, 0 removed<", page);
    }
}
