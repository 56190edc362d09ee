using ActorSessions.AspNetCore.Tests.Support;
using Xunit.Abstractions;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>The server on SQLite, whose write lock another process holds for longer than the busy timeout.</summary>
[Collection(StoreFaultCollection.Name)]
public sealed class SqliteLockedFaultSpec(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsessions-fault-lock-").FullName;

    [Fact]
    public async Task While_another_process_holds_the_write_lock_writes_are_refused_with_503_and_every_2xx_survives_a_restart()
    {
        var path = Path.Combine(_dir, "sessions.db");
        SqliteLockHolder? holder = null;
        try
        {
            var report = await StoreFaultRun.RunAsync(
                () => StoreFaultRun.StartServer(_dir, new Dictionary<string, string> { ["ActorSessions:SqlitePath"] = path }),
                inject: async () => holder = await SqliteLockHolder.LockAsync(path),
                remove: () => holder!.ReleaseAsync());
            output.WriteLine(report);
        }
        finally
        {
            holder?.Dispose();
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
