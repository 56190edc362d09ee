using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>
/// A stored session the server cannot read at start is logged by a one-way hash of its id (the one
/// <c>ISession.Id</c> shows), never by the id: over a real restart of the server on its SQLite file.
/// </summary>
public sealed class RecoveryLogSpec : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("actorsessions-recovery-log-").FullName;

    [Fact]
    public async Task An_unreadable_stored_session_is_logged_by_its_hash_not_its_id()
    {
        var path = Path.Combine(_data, "sessions.db");
        var cookies = new CookieContainer();
        var first = new ServerFixture(builder => builder.Configuration["ActorSessions:SqlitePath"] = path);
        await first.InitializeAsync();
        using (var visitor = first.Visitor(cookies))
        {
            (await visitor.PutAsync("/api/session/data/k", new StringContent("v"))).EnsureSuccessStatusCode();
        }

        var id = cookies.GetCookies(first.BaseAddress)[ActorSessionsHttpOptions.DefaultCookieName]!.Value;
        await first.DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var corrupt = connection.CreateCommand();
            corrupt.CommandText = "UPDATE actor_session_items SET key = x'FF' WHERE session_id = $id"; // a key that is not UTF-8
            corrupt.Parameters.AddWithValue("$id", id);
            Assert.Equal(1, await corrupt.ExecuteNonQueryAsync());
        }

        var logs = new WarningWaiter("cannot be read");
        var second = new ServerFixture(builder =>
        {
            builder.Configuration["ActorSessions:SqlitePath"] = path;
            builder.Logging.AddProvider(logs);
        });
        await second.InitializeAsync();
        try
        {
            var warning = await logs.Found.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.DoesNotContain(id, warning, StringComparison.Ordinal);
            Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)).AsSpan(0, 8)), warning, StringComparison.Ordinal);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);

    /// <summary>Completes with the first warning that contains a text: the container logs it while it recovers, after the server started.</summary>
    private sealed class WarningWaiter(string text) : ILoggerProvider, ILogger
    {
        private readonly TaskCompletionSource<string> _found = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> Found => _found.Task;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (IsEnabled(logLevel) && message.Contains(text, StringComparison.Ordinal))
            {
                _found.TrySetResult(message);
            }
        }

        public void Dispose()
        {
        }
    }
}
