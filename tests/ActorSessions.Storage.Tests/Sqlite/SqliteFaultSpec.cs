using ActorSessions.Sqlite;
using ActorSessions.Storage.Tests.TestSupport;
using Microsoft.Data.Sqlite;

namespace ActorSessions.Storage.Tests.Sqlite;

/// <summary>A locked or full SQLite database: writes fail clearly, reads go on, nothing acknowledged is lost.</summary>
public sealed class SqliteFaultSpec : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string DatabasePath => _dir.File("sessions.db");

    [Fact]
    public async Task While_another_process_locks_the_database_writes_fail_reads_go_on_and_writes_resume_after()
    {
        var store = new SqliteSessionStore(new SqliteSessionStoreOptions { Path = DatabasePath, BusyTimeout = TimeSpan.FromMilliseconds(200) });
        using var container = new DurableContainer(store);
        var session = await container.OpenNew();
        var before = await container.Save(session, "k", "before the lock");

        using (var locker = new SqliteConnection($"Data Source={DatabasePath};Pooling=false"))
        {
            locker.Open();
            using var begin = locker.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE";
            begin.ExecuteNonQuery();

            var error = await container.SaveFails(before, "k", "during the lock");
            Assert.Contains("locked", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("before the lock", (await container.Get(session.Id)).GetString("k"));
            await container.SaveFails(before, "k", "still locked");
        }

        var after = await container.SaveOnceBack(before, "k", "after the lock", TimeSpan.FromSeconds(30));
        await store.DisposeAsync();

        await using var reopened = new SqliteSessionStore(new SqliteSessionStoreOptions { Path = DatabasePath });
        using var restarted = new DurableContainer(reopened);
        var recovered = await restarted.Get(session.Id);
        Assert.Equal("after the lock", recovered.GetString("k"));
        Assert.Equal(after.Version, recovered.Version);
    }

    [Fact]
    public async Task When_the_database_is_full_writes_fail_clearly_and_every_acknowledged_one_survives()
    {
        var store = new SqliteSessionStore(new SqliteSessionStoreOptions { Path = DatabasePath, MaxPageCount = 40 });
        using var container = new DurableContainer(store);
        var acknowledged = new Dictionary<string, string>();
        var big = new string('x', 8_000);
        SessionStoreUnavailableException? full = null;
        for (var i = 0; i < 200 && full is null; i++)
        {
            var value = $"{i}:{big}";
            try
            {
                var session = await container.OpenNew();
                try
                {
                    await container.Save(session, "k", value);
                    acknowledged[session.Id] = value;
                }
                catch (SessionStoreUnavailableException)
                {
                    Assert.Null((await container.Get(session.Id)).GetString("k")); // undone; the session itself was committed
                    throw;
                }
            }
            catch (SessionStoreUnavailableException e)
            {
                full = e;
            }
        }

        Assert.NotNull(full);
        Assert.Contains("full", full.Message, StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(acknowledged);
        await store.DisposeAsync();

        await using var roomy = new SqliteSessionStore(new SqliteSessionStoreOptions { Path = DatabasePath });
        using var restarted = new DurableContainer(roomy);
        foreach (var (id, value) in acknowledged)
        {
            Assert.Equal(value, (await restarted.Get(id)).GetString("k"));
        }
    }

    [Fact]
    public async Task An_unreadable_row_is_no_session_never_a_crash()
    {
        var store = new SqliteSessionStore(new SqliteSessionStoreOptions { Path = DatabasePath });
        await store.InitializeAsync(CancellationToken.None);
        await store.DisposeAsync();
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            var now = DateTimeOffset.UtcNow.UtcTicks;
            var expires = DateTimeOffset.UtcNow.AddHours(1).UtcTicks;
            // Rows as the store keeps them: keyed by partition key first (schema 3).
            insert.CommandText = $"""
                INSERT INTO actor_sessions VALUES ({SessionPartitionKey.Of("BadDataBadDataBadDat")}, 'BadDataBadDataBadDat', {now}, {now}, 1, {expires});
                INSERT INTO actor_session_items VALUES ({SessionPartitionKey.Of("BadDataBadDataBadDat")}, 'BadDataBadDataBadDat', X'FFFE', X'00');
                INSERT INTO actor_sessions VALUES ({SessionPartitionKey.Of("TextDataTextDataText")}, 'TextDataTextDataText', {now}, {now}, 1, {expires});
                INSERT INTO actor_session_items VALUES ({SessionPartitionKey.Of("TextDataTextDataText")}, 'TextDataTextDataText', X'6B', 'not bytes');
                INSERT INTO actor_sessions VALUES ({SessionPartitionKey.Of("bad id with spaces!!")}, 'bad id with spaces!!', {now}, {now}, 1, {expires});
                INSERT INTO actor_sessions VALUES ({SessionPartitionKey.Of("GoodGoodGoodGoodGood")}, 'GoodGoodGoodGoodGood', {now}, {now}, 1, {expires});
                INSERT INTO actor_session_items VALUES ({SessionPartitionKey.Of("GoodGoodGoodGoodGood")}, 'GoodGoodGoodGoodGood', X'6B', X'76');
                """;
            insert.ExecuteNonQuery();
        }

        await using var reopened = new SqliteSessionStore(new SqliteSessionStoreOptions { Path = DatabasePath });
        using var container = new DurableContainer(reopened);

        Assert.Equal("v", (await container.Get("GoodGoodGoodGoodGood")).GetString("k"));
        await container.Ask<SessionNotFound>(new GetSession("BadDataBadDataBadDat"));
        await container.Ask<SessionNotFound>(new GetSession("TextDataTextDataText"));

        // The container serves while its rows are read, and counts what the read found once it has ended
        // (AdjustTime waits for the last row); a row also looked up by id is counted once, by the read.
        await container.Ask<TimeAdjusted>(new AdjustTime(TimeSpan.Zero));
        var stats = await container.Ask<SessionStoreStats>(GetSessionStoreStats.Instance);
        Assert.Equal(1, stats.RecoveredSessions);
        Assert.Equal(3, stats.UnreadableRows);
    }

    public void Dispose() => _dir.Dispose();
}
