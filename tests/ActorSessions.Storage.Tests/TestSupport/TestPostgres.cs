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
public sealed class PostgresCollection
{
    public const string Name = "postgres";
}
