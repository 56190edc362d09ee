using System.Diagnostics;

namespace ActorSessions.AspNetCore.Tests.Support;

/// <summary>
/// Another process holding SQLite's write lock on a database file: tests/ActorSessions.CrashChild in its
/// <c>hold-lock</c> mode, which locks, says LOCKED, and lets go when told to on its standard input.
/// </summary>
internal sealed class SqliteLockHolder : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly Process _process;

    private SqliteLockHolder(Process process) => _process = process;

    /// <summary>Starts the child and returns once it holds the lock.</summary>
    public static async Task<SqliteLockHolder> LockAsync(string databasePath)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ChildPath());
        start.ArgumentList.Add("hold-lock");
        start.ArgumentList.Add(databasePath);
        var holder = new SqliteLockHolder(Process.Start(start)!);
        try
        {
            await holder.ExpectAsync("LOCKED");
            return holder;
        }
        catch
        {
            holder.Dispose();
            throw;
        }
    }

    /// <summary>Tells the child to let go, and waits until it has and is gone.</summary>
    public async Task ReleaseAsync()
    {
        await _process.StandardInput.WriteLineAsync();
        await _process.StandardInput.FlushAsync();
        await ExpectAsync("RELEASED");
        await _process.WaitForExitAsync().WaitAsync(Wait);
    }

    /// <summary>Kills the child, by its own id, if it is still there.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private async Task ExpectAsync(string line)
    {
        var read = await _process.StandardOutput.ReadLineAsync().WaitAsync(Wait);
        if (read != line)
        {
            var error = _process.HasExited ? await _process.StandardError.ReadToEndAsync() : string.Empty;
            Assert.Fail($"The lock holder said '{read ?? "nothing"}' instead of {line}. {error}");
        }
    }

    private static string ChildPath()
    {
        // .../tests/ActorSessions.AspNetCore.Tests/bin/<Configuration>/<framework>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ActorSessions.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var path = Path.Combine(root.FullName, "tests", "ActorSessions.CrashChild", "bin", output.Parent!.Name, output.Name, "ActorSessions.CrashChild.dll");
        Assert.True(File.Exists(path), $"The lock holder is not built at {path}; build the solution first.");
        return path;
    }
}
