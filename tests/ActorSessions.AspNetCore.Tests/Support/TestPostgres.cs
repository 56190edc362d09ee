using System.Diagnostics;
using Npgsql;

namespace ActorSessions.AspNetCore.Tests.Support;

/// <summary>
/// The throwaway PostgreSQL server of scripts/ensure-postgres.sh, as tests/ActorSessions.Storage.Tests uses it.
/// Tests that need it fail (never skip) when it is not there: run them through <c>bash scripts/test.sh</c>.
/// </summary>
internal static class TestPostgres
{
    public const string ConnectionVariable = "ACTORSESSIONS_TEST_POSTGRES";
    public const string ControlVariable = "ACTORSESSIONS_TEST_PG_CONTROL";

    public static bool IsConfigured => Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 };

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ConnectionVariable} is not set, so there is no PostgreSQL server to test against. Run the tests with `bash scripts/test.sh`, " +
                "which installs PostgreSQL when it is missing, starts a throwaway server and sets it (or source scripts/ensure-postgres.sh before `dotnet test`).");

    private static string ControlScript =>
        Environment.GetEnvironmentVariable(ControlVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{ControlVariable} is not set: run the tests with `bash scripts/test.sh`.");

    /// <summary>A fresh schema for one test, so it never sees another's rows.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..12];

    public static async Task DropSchema(string schema)
    {
        await using var connection = await Unpooled();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>How many sessions the schema's table holds.</summary>
    public static async Task<long> SessionRows(string schema)
    {
        await using var connection = await Unpooled();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{schema}\".actor_sessions", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // The fault spec restarts the server: a pooled connection from before would be dead.
    private static async Task<NpgsqlConnection> Unpooled()
    {
        var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Stops or starts the server with pg_ctl (through the control script ensure-postgres.sh wrote).</summary>
    public static async Task Control(string action)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [ControlScript, action])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            // pg_ctl only says to look at the server's log (e.g. another server took the port meanwhile).
            var log = Path.Combine(Path.GetDirectoryName(ControlScript)!, "server.log");
            var tail = File.Exists(log) ? string.Join('\n', (await File.ReadAllLinesAsync(log)).TakeLast(5)) : "no server log";
            Assert.Fail($"pg_ctl {action} failed: {error}\n{tail}");
        }
    }

    /// <summary>
    /// Sole use of the server across test processes, taken before stopping it: <c>dotnet test</c> of the solution
    /// runs this assembly and ActorSessions.Storage.Tests at once, and the latter holds the same lock while its
    /// PostgreSQL collection runs (it stops the server too). An exclusive <c>flock</c> (FileShare.None) on a file
    /// beside the server's control script, so it is one lock per throwaway server, released by the kernel if the
    /// process dies.
    /// </summary>
    public static Task<IDisposable> ExclusiveUseAsync(TimeSpan wait) => LockAsync(FileShare.None, wait);

    /// <summary>
    /// Use of the server beside other users, taken by a test that needs it up but never stops it: it waits while
    /// a test that stops the server holds <see cref="ExclusiveUseAsync"/>, and keeps such a test waiting until it
    /// is done. On Linux, .NET takes a shared <c>flock</c> for any <see cref="FileShare"/> but None.
    /// </summary>
    public static Task<IDisposable> SharedUseAsync(TimeSpan wait) => LockAsync(FileShare.ReadWrite, wait);

    private static async Task<IDisposable> LockAsync(FileShare share, TimeSpan wait)
    {
        var path = Path.Combine(Path.GetDirectoryName(ControlScript)!, "tests.lock");
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, share == FileShare.None ? FileAccess.ReadWrite : FileAccess.Read, share);
            }
            catch (IOException) when (waited.Elapsed < wait)
            {
                await Task.Delay(100);
            }
        }
    }
}
