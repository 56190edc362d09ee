using System.Net;
using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>
/// The server started on storage it cannot use (a corrupt database file): the log says which file and why,
/// every request that would write is answered 503, never 204 for nothing stored, and /healthz is Unhealthy.
/// </summary>
public sealed class BadStorageSpec : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("actorsessions-bad-storage-").FullName;
    private readonly RecordingLoggerProvider _logs = new();
    private ServerFixture _server = null!;
    private HttpClient _client = null!;

    private string DatabasePath => Path.Combine(_data, "sessions.db");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(DatabasePath, new string('x', 8192));
        _server = new ServerFixture(builder =>
        {
            builder.Logging.AddProvider(_logs);
            builder.Configuration["ActorSessions:SqlitePath"] = DatabasePath;
        });
        await _server.InitializeAsync();
        _client = _server.Visitor();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Writes_are_answered_503_the_log_names_the_file_and_health_is_unhealthy()
    {
        var put = await _client.PutAsync("/api/session/data/k", new StringContent("v"));
        var page = await _client.GetAsync("/");
        var stats = await _client.GetAsync("/api/stats");
        var health = await _client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, put.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stats.StatusCode);
        Assert.NotEmpty(await stats.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Error
            && e.Exception?.Message.Contains(DatabasePath, StringComparison.Ordinal) == true
            && e.Exception.Message.Contains("not a database", StringComparison.Ordinal));
    }
}
