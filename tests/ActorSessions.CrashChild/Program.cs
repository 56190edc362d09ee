// Usage: ActorSessions.CrashChild sqlite <database file> | postgresql <connection string> [schema]
// Starts a durable container and has 32 workers save their own session as fast as the container
// acknowledges. Each acknowledged save is printed as "ACK <id> <version> <n>" only after its answer
// arrived; the crash test kills this process with SIGKILL and checks every printed save survived.
//
// Usage: ActorSessions.CrashChild hold-lock <database file>
// Takes SQLite's write lock on the file (BEGIN IMMEDIATE), prints "LOCKED", holds it until a line (or the
// end of input) arrives on stdin, then rolls back and prints "RELEASED": another process locking the
// database for as long as a fault test needs.
using ActorSessions.Storage;
using System.Globalization;
using ActorSessions;
using ActorSessions.PostgreSql;
using ActorSessions.Sqlite;
using Akka.Actor;
using Microsoft.Data.Sqlite;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ActorSessions.CrashChild sqlite <file> | postgresql <connection string> [schema] | hold-lock <file>");
    return 2;
}

if (args[0] == "hold-lock")
{
    return HoldLock(args[1]);
}

ISessionStore store = args[0] switch
{
    "sqlite" => new SqliteSessionStore(new SqliteSessionStoreOptions { Path = args[1] }),
    "postgresql" => new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = args[1], Schema = args.Length > 2 ? args[2] : "public" }),
    _ => throw new ArgumentException($"unknown store '{args[0]}'"),
};

using var system = ActorSystem.Create("crash-child", "akka.loglevel = WARNING");
var container = system.ActorOf(SessionContainer.Props(new SessionContainerOptions(SessionSettings.Default) { Store = store, StoreSettings = SessionStoreSettings.Default }));
var timeout = TimeSpan.FromSeconds(30);
var output = Console.Out;

async Task Work()
{
    var session = (await container.Ask<SessionOpened>(new OpenSession(), timeout)).Session;
    for (var n = 1; ; n++)
    {
        var saved = (await container.Ask<SessionSaved>(new SaveSession(session.SetString("n", n.ToString(CultureInfo.InvariantCulture))), timeout)).Session;
        output.WriteLine($"ACK {saved.Id} {saved.Version} {n}");
        session = saved;
    }
}

Console.Out.WriteLine("READY");
await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(Work)));
return 0;

static int HoldLock(string path)
{
    using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
    connection.Open();
    using var begin = connection.CreateCommand();

    // The server may be mid-commit: wait for it rather than fail.
    begin.CommandText = "PRAGMA busy_timeout = 30000; BEGIN IMMEDIATE";
    begin.ExecuteNonQuery();
    Console.Out.WriteLine("LOCKED");
    Console.In.ReadLine();
    using var rollback = connection.CreateCommand();
    rollback.CommandText = "ROLLBACK";
    rollback.ExecuteNonQuery();
    Console.Out.WriteLine("RELEASED");
    return 0;
}
