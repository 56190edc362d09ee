using ActorSessions.AspNetCore.Tests.Support;
using Xunit.Abstractions;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>The server on PostgreSQL, which is stopped while visitors write and started again.</summary>
[Collection(StoreFaultCollection.Name)]
public sealed class PostgreSqlStoppedFaultSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorsessions-fault-pg-").FullName;
    private readonly string _schema = TestPostgres.NewSchema();
    private IDisposable? _soleUse;
    private bool _stopped;

    [Fact]
    public async Task While_postgresql_is_stopped_writes_are_refused_with_503_and_every_2xx_survives_a_restart()
    {
        var connectionString = TestPostgres.ConnectionString;
        _soleUse = await TestPostgres.ExclusiveUseAsync(TimeSpan.FromMinutes(5));

        var report = await StoreFaultRun.RunAsync(
            () => StoreFaultRun.StartServer(
                _dir,
                new Dictionary<string, string> { ["ActorSessions:PostgreSql"] = connectionString },
                $"actor-sessions.store.postgresql.schema = \"{_schema}\""),
            inject: async () =>
            {
                _stopped = true;
                await TestPostgres.Control("stop");
            },
            remove: async () =>
            {
                await TestPostgres.Control("start");
                _stopped = false;
            });
        output.WriteLine(report);

        // The server kept them in this test's schema, which the restarted server read back.
        Assert.Equal(StoreFaultRun.Visitors, await TestPostgres.SessionRows(_schema));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        try
        {
            if (_stopped)
            {
                await TestPostgres.Control("start");
            }

            if (TestPostgres.IsConfigured)
            {
                await TestPostgres.DropSchema(_schema);
            }
        }
        finally
        {
            _soleUse?.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
