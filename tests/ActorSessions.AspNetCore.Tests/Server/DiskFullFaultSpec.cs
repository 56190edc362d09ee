using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>
/// The server on SQLite, whose disk fills up while visitors write and then has room again: a small tmpfs of
/// its own, filled by a file. Where mounting is refused (not root), the database is capped with SQLite's
/// <c>max_page_count</c> and filled by another connection, so the spec still asserts.
/// </summary>
[Collection(StoreFaultCollection.Name)]
public sealed class DiskFullFaultSpec(ITestOutputHelper output) : IDisposable
{
    // Above what the visitors' 20 sessions need, far below what the filler takes.
    private const long MaxPageCount = 1000;

    private readonly string _dir = Directory.CreateTempSubdirectory("actorsessions-fault-disk-").FullName;
    private readonly string _disk = Directory.CreateTempSubdirectory("actorsessions-fault-tmpfs-").FullName;

    [Fact]
    public async Task On_a_full_disk_writes_are_refused_with_503_and_every_2xx_survives_a_restart()
    {
        var mounted = await Run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", _disk);
        try
        {
            var path = Path.Combine(_disk, "sessions.db");
            var configuration = new Dictionary<string, string> { ["ActorSessions:SqlitePath"] = path };

            // Values of changing sizes, so writes need new log frames (tmpfs) or new pages (the cap). Under the
            // cap they span overflow pages, which SQLite allocates before it frees the old ones: the server's
            // MaxValueBytes (4096) is raised to the library default (16 KiB) for that.
            Func<int, string> value = n => $"{n}:{new string('x', 600 + (n % 8 * 400))}";
            if (!mounted)
            {
                configuration["ActorSessions:SqliteMaxPageCount"] = MaxPageCount.ToString(CultureInfo.InvariantCulture);
                configuration["ActorSessions:Http:MaxValueBytes"] = "16384";
                value = n => $"{n}:{new string('x', 5000 + (n % 8 * 1000))}";
            }

            var filler = Path.Combine(_disk, "filler");
            var report = await StoreFaultRun.RunAsync(
                () => StoreFaultRun.StartServer(_dir, configuration),
                inject: () => mounted ? FillFileSystem(filler) : FillDatabase(path),
                remove: () => mounted ? Task.Run(() => File.Delete(filler)) : FreeDatabase(path),
                value);
            output.WriteLine($"{(mounted ? "tmpfs" : "max_page_count")}: {report}");
        }
        finally
        {
            // The servers are stopped by now, so nothing holds a file open on it.
            if (mounted && !await Run("umount", _disk))
            {
                await Run("umount", "-l", _disk);
            }
        }
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        Directory.Delete(_disk, recursive: true);
    }

    /// <summary>Writes a file until the file system has no room left.</summary>
    private static Task FillFileSystem(string path) => Task.Run(() =>
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        var chunk = new byte[1 << 20];
        foreach (var size in new[] { chunk.Length, 4096 })
        {
            var filled = false;
            while (!filled)
            {
                try
                {
                    file.Write(chunk, 0, size);
                }
                catch (IOException)
                {
                    filled = true;
                }
            }
        }
    });

    /// <summary>Grows the database past the server's page cap through a connection of its own, with no free page left.</summary>
    private static Task FillDatabase(string path) =>
        Execute(path, $"CREATE TABLE filler (b BLOB); INSERT INTO filler VALUES (zeroblob({2 * MaxPageCount * 4096}))");

    /// <summary>Gives the filler's pages back to the database's free list, where the server's writes can use them.</summary>
    private static Task FreeDatabase(string path) => Execute(path, "DROP TABLE filler");

    private static async Task Execute(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = 10000; {sql}";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a command; false when it fails or is not there.</summary>
    private async Task<bool> Run(string file, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                output.WriteLine($"{file} {string.Join(' ', arguments)}: exit code {process.ExitCode}: {error}");
            }

            return process.ExitCode == 0;
        }
        catch (Win32Exception e)
        {
            output.WriteLine($"{file}: {e.Message}");
            return false;
        }
    }
}
