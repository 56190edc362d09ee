using ActorSessions.Storage;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using ActorSessions.PostgreSql;
using ActorSessions.Sqlite;
using Akka.Actor;

namespace ActorSessions.Benchmarks.Durable;

/// <summary>
/// Bytes written to the store per acknowledged one-key change of a large session (50 keys of about 1, 4 or
/// 16 KiB each, every value within ±25 % of that, so a change usually changes a value's length too), and
/// per touch. SQLite: what the process hands the OS (<c>wchar</c> of /proc/self/io: WAL frames, and the
/// pages a checkpoint copies into the database file, with a checkpoint forced at the end so both are
/// counted). PostgreSQL: the server's WAL (<c>pg_current_wal_lsn()</c> before and after).
/// </summary>
internal static class BytesPerChange
{
    private const int Keys = 50;
    private const int Sessions = 32;

    public static async Task Run(string folder, string? postgres, int changes)
    {
        Console.WriteLine($"# Bytes written per acknowledged change — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Sessions} sessions of {Keys} keys; {changes:N0} changes a run");
        Console.WriteLine();
        var rows = new List<string>();
        foreach (var (valueBytes, callers) in new[] { (1024, 1), (4096, 1), (16384, 1), (4096, 16) })
        {
            var path = Path.Combine(folder, "bytes.db");
            BenchDatabases.DeleteSqlite(path);

            rows.AddRange(await Measure("SQLite", callers, changes, valueBytes, () => new SqliteSessionStore(new SqliteSessionStoreOptions { Path = path }), new SqliteMeter(path)));
            if (!string.IsNullOrEmpty(postgres))
            {
                var schema = "bench_" + Guid.NewGuid().ToString("N")[..8];
                rows.AddRange(await Measure("PostgreSQL", callers, changes, valueBytes, () => new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = postgres, Schema = schema }), new PostgresMeter(postgres)));
                await BenchDatabases.DropSchemas(postgres, schema);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| store | what | value bytes | concurrent callers | writes committed | commits | bytes written | per write | per write ÷ bytes changed |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }
    }

    private static async Task<string[]> Measure(string storeName, int callers, int changes, int valueBytes, Func<ISessionStore> open, IMeter meter)
    {
        var store = open();
        using var system = ActorSystem.Create("bytes", "akka.loglevel = WARNING");
        var container = system.ActorOf(SessionContainer.Props(new SessionContainerOptions(SessionSettings.Default) { Store = store, StoreSettings = SessionStoreSettings.Default }));
        var timeout = TimeSpan.FromSeconds(60);
        var random = new Random(12345);
        var key = Enumerable.Range(0, Keys).Select(k => $"key-{k:D2}").ToArray();
        ImmutableArray<byte> Value()
        {
            byte[] bytes;
            lock (random)
            {
                bytes = new byte[random.Next(valueBytes * 3 / 4, (valueBytes * 5 / 4) + 1)];
                random.NextBytes(bytes); // incompressible, as encrypted or serialized state mostly is
            }

            return ImmutableArray.Create(bytes);
        }

        var ids = new string[Sessions];
        for (var s = 0; s < Sessions; s++)
        {
            var id = (await container.Ask<SessionOpened>(new OpenSession(), timeout)).Session.Id;
            var data = SessionData.CreateRange(key.Select(k => KeyValuePair.Create(k, Value())));
            await container.Ask<SessionSaved>(new UpdateSession(id, data), timeout);
            ids[s] = id;
        }

        await container.Ask<SessionStoreFlushed>(FlushSessionStore.Instance, timeout);
        long changedBytes = 0;

        // One-key changes: each caller changes a random key of its own sessions, waiting for each answer.
        await meter.Start();
        var before = await container.Ask<SessionStoreStats>(GetSessionStoreStats.Instance, timeout);
        var clock = Stopwatch.StartNew();
        var perCaller = changes / callers;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var r = new Random(c);
            for (var i = 0; i < perCaller; i++)
            {
                var id = ids[(c + (callers * r.Next(Sessions))) % Sessions];
                var value = Value();
                Interlocked.Add(ref changedBytes, key[0].Length + value.Length);
                await container.Ask<SessionSaved>(new UpdateSession(id, SessionData.Empty.SetItem(key[r.Next(Keys)], value)), timeout);
            }
        })));
        var after = await container.Ask<SessionStoreStats>(GetSessionStoreStats.Instance, timeout);
        var written = await meter.Stop();
        var changeRow = Row(storeName, "one-key change", valueBytes, callers, after, before, written, changedBytes);
        Console.Error.WriteLine($"{storeName}, {valueBytes} B values, {callers} callers: {perCaller * callers:N0} changes in {clock.Elapsed.TotalSeconds:F1} s");
        if (valueBytes != 4096 || callers != 1)
        {
            await system.Terminate();
            await ((IAsyncDisposable)store).DisposeAsync();
            return [changeRow];
        }

        // Touches: every session opened, then the write-behind flushed; repeated.
        await meter.Start();
        before = await container.Ask<SessionStoreStats>(GetSessionStoreStats.Instance, timeout);
        for (var round = 0; round < Math.Max(1, changes / Sessions / 4); round++)
        {
            foreach (var id in ids)
            {
                await container.Ask<SessionOpened>(new OpenSession(id), timeout);
            }

            await container.Ask<SessionStoreFlushed>(FlushSessionStore.Instance, timeout);
        }

        after = await container.Ask<SessionStoreStats>(GetSessionStoreStats.Instance, timeout);
        written = await meter.Stop();
        var touchRow = Row(storeName, "touch (written behind)", valueBytes, callers, after, before, written, changedBytes: 0);

        await system.Terminate();
        await ((IAsyncDisposable)store).DisposeAsync();
        return [changeRow, touchRow];
    }

    private static string Row(string store, string what, int valueBytes, int callers, SessionStoreStats after, SessionStoreStats before, long bytes, long changedBytes)
    {
        var writes = after.WritesCommitted - before.WritesCommitted;
        var perWrite = writes == 0 ? 0 : (double)bytes / writes;
        var ratio = changedBytes == 0 ? "—" : $"{(double)bytes / changedBytes:F1}×";
        return $"| {store} | {what} | {valueBytes:N0} | {callers} | {writes:N0} | {after.Commits - before.Commits:N0} | {bytes:N0} | {perWrite:N0} B | {ratio} |";
    }

    private interface IMeter
    {
        Task Start();

        Task<long> Stop();
    }

    private sealed class SqliteMeter(string path) : IMeter
    {
        private long _start;

        public Task Start()
        {
            Checkpoint();
            _start = WrittenByProcess();
            return Task.CompletedTask;
        }

        public Task<long> Stop()
        {
            Checkpoint();
            return Task.FromResult(WrittenByProcess() - _start);
        }

        private void Checkpoint()
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=false");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            command.ExecuteNonQuery();
        }

        private static long WrittenByProcess()
        {
            foreach (var line in File.ReadLines("/proc/self/io"))
            {
                if (line.StartsWith("wchar:", StringComparison.Ordinal))
                {
                    return long.Parse(line["wchar:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
            }

            throw new InvalidOperationException("/proc/self/io has no wchar line.");
        }
    }

    private sealed class PostgresMeter(string connectionString) : IMeter
    {
        private string _start = "0/0";

        public async Task Start() => _start = (string)(await Scalar("SELECT pg_current_wal_lsn()::text"))!;

        public async Task<long> Stop() => Convert.ToInt64(await Scalar($"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '{_start}')"), CultureInfo.InvariantCulture);

        private async Task<object?> Scalar(string sql)
        {
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            return await command.ExecuteScalarAsync();
        }
    }
}
