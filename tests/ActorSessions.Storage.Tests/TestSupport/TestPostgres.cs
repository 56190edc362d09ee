using Npgsql;

namespace ActorSessions.Storage.Tests.TestSupport;

/// <summary>
/// The throwaway PostgreSQL server of scripts/ensure-postgres.sh. Tests that need it fail (never skip)
/// when it is not there: run them through <c>bash scripts/test.sh</c>.
/// </summary>
public static class TestPostgres
{
    public const string ConnectionVariable = "ACTORSESSIONS_TEST_POSTGRES";
    public const string ControlVariable = "ACTORSESSIONS_TEST_PG_CONTROL";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ConnectionVariable} is not set, so there is no PostgreSQL server to test against. Run the tests with `bash scripts/test.sh`, " +
                "which installs PostgreSQL when it is missing, starts a throwaway server and sets it (or source scripts/ensure-postgres.sh before `dotnet test`).");

    /// <summary>A fresh schema for one test class, so tests never see each other's rows.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..12];

    public static async Task DropSchema(string schema)
    {
        await using var connection = Unpooled();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task Execute(string sql)
    {
        await using var connection = Unpooled();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    // The outage test restarts the server: a pooled connection from before would be dead.
    private static NpgsqlConnection Unpooled() => new(ConnectionString + ";Pooling=false");

    /// <summary>Stops or starts the server with pg_ctl (through the control script ensure-postgres.sh wrote).</summary>
    public static async Task Control(string action)
    {
        var script = Environment.GetEnvironmentVariable(ControlVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{ControlVariable} is not set: run the tests with `bash scripts/test.sh`.");
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", [script, action])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_ctl {action} failed: {error}");
    }
}

/// <summary>Every test that uses the server runs in this collection, one at a time: the outage test stops it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresCollection : ICollectionFixture<PostgresLock>
{
    public const string Name = "postgres";
}

/// <summary>
/// Sole use of the server across test processes while the collection runs: ActorSessions.AspNetCore.Tests, which
/// <c>dotnet test</c> of the solution runs at the same time, stops it too (its PostgreSQL fault spec takes the same
/// lock). An exclusive <c>flock</c> (FileShare.None) on a file beside the server's control script, released by the
/// kernel if the process dies. Without the server there is nothing to share, and the tests fail with their own message.
/// </summary>
public sealed class PostgresLock : IAsyncLifetime
{
    private FileStream? _lock;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(TestPostgres.ControlVariable) is not { Length: > 0 } script)
        {
            return;
        }

        var path = Path.Combine(Path.GetDirectoryName(script)!, "tests.lock");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (_lock is null)
        {
            try
            {
                _lock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(100);
            }
        }
    }

    public Task DisposeAsync()
    {
        _lock?.Dispose();
        return Task.CompletedTask;
    }
}
