using System.Net;
using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>
/// What the server logs about requests, over real HTTP: nothing per request by default; with
/// <c>ActorSessions:RequestLog</c> one line each, its path escaped; never a session id.
/// </summary>
public sealed class RequestLogSpec : IAsyncLifetime
{
    private readonly RecordingLoggerProvider _defaultLogs = new();
    private readonly RecordingLoggerProvider _requestLogs = new();
    private readonly ServerFixture _byDefault;
    private readonly ServerFixture _withRequestLog;

    public RequestLogSpec()
    {
        _byDefault = new(builder => builder.Logging.AddProvider(_defaultLogs));

        // Everything at Information, ASP.NET Core's own request log included: no id may show up in any of it.
        _withRequestLog = new(builder =>
        {
            builder.Configuration["ActorSessions:RequestLog"] = "true";
            builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] = "Information";
            builder.Logging.AddProvider(_requestLogs);
        });
    }

    public Task InitializeAsync() => Task.WhenAll(_byDefault.InitializeAsync(), _withRequestLog.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(_byDefault.DisposeAsync(), _withRequestLog.DisposeAsync());

    [Fact]
    public async Task By_default_no_line_is_logged_per_request()
    {
        using var visitor = _byDefault.Visitor();

        await VisitAsync(visitor, _byDefault);

        Assert.DoesNotContain(_defaultLogs.Entries, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || e.Category == "ActorSessions.Server.Requests");
        Assert.DoesNotContain(_defaultLogs.Entries, e => e.Message.Contains("/api/session", StringComparison.Ordinal) || e.Message.Contains("/nowhere", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_on_each_request_is_one_line_with_method_path_and_status()
    {
        using var visitor = _withRequestLog.Visitor();

        await visitor.GetAsync("/nowhere/request-log-spec");

        var line = Assert.Single(RequestLines(), e => e.Message.Contains("/nowhere/request-log-spec", StringComparison.Ordinal));
        Assert.Matches(@"^GET /nowhere/request-log-spec answered 404 in [0-9.]+ ms$", line.Message);
        Assert.Equal(LogLevel.Information, line.Level);
    }

    [Fact]
    public async Task Control_characters_in_a_path_cannot_forge_a_log_line_or_reach_a_terminal()
    {
        using var visitor = _withRequestLog.Visitor();

        // Kestrel decodes the path: the endpoint sees CR, LF, ESC, NEL and LINE SEPARATOR.
        await visitor.GetAsync("/forged%0D%0AGET%20/admin%20answered%20200%1B[2J%C2%85%E2%80%A8end");

        var line = Assert.Single(RequestLines(), e => e.Message.Contains("forged", StringComparison.Ordinal));
        Assert.Contains(@"/forged\u000d\u000aGET /admin answered 200\u001b[2J\u0085\u2028end answered 404", line.Message);
        Assert.DoesNotContain(line.Message, char.IsControl);
        Assert.DoesNotContain('\u2028', line.Message);
    }

    [Fact]
    public async Task No_log_line_holds_a_session_id()
    {
        var cookies = new CookieContainer();
        using var visitor = _withRequestLog.Visitor(cookies);

        var ids = await VisitAsync(visitor, _withRequestLog, cookies);

        Assert.NotEmpty(RequestLines());
        Assert.All(ids, id => Assert.DoesNotContain(_requestLogs.Entries, e => e.Message.Contains(id, StringComparison.Ordinal) || (e.Exception?.ToString().Contains(id, StringComparison.Ordinal) ?? false)));
    }

    private IEnumerable<RecordingLoggerProvider.LogEntry> RequestLines() => _requestLogs.Entries.Where(e => e.Category == "ActorSessions.Server.Requests");

    // A visitor's life on the page and the API: each session id it had.
    private static async Task<List<string>> VisitAsync(HttpClient visitor, ServerFixture server, CookieContainer? cookies = null)
    {
        var ids = new List<string>();
        void Keep()
        {
            if (cookies?.GetCookies(server.BaseAddress)[ActorSessionsHttpOptions.DefaultCookieName]?.Value is { Length: > 0 } id && !ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        await visitor.GetStringAsync("/");
        Keep();
        await visitor.PostAsync("/session/data", new FormUrlEncodedContent([new("key", "colour"), new("value", "blue")]));
        await visitor.PutAsync("/api/session/data/k", new StringContent("v"));
        await visitor.PostAsync("/session/renew", new FormUrlEncodedContent([]));
        Keep();
        await visitor.PostAsync("/api/session/renew", null);
        Keep();
        await visitor.PostAsync("/session/data", new StringContent("not a form"));
        await visitor.GetAsync("/nowhere");
        await visitor.DeleteAsync("/api/session");
        await visitor.GetStringAsync("/api/session");
        Keep();
        return ids;
    }
}
