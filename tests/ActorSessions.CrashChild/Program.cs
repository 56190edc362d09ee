// Usage: ActorSessions.CrashChild sqlite <database file> | postgresql <connection string> [schema]
// Starts a durable container and has 32 workers save their own session as fast as the container
// acknowledges. Each acknowledged save is printed as "ACK <id> <version> <n>" only after its answer
// arrived; the crash test kills this process with SIGKILL and checks every printed save survived.
using System.Globalization;
using ActorSessions;
using ActorSessions.PostgreSql;
using ActorSessions.Sqlite;
using Akka.Actor;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ActorSessions.CrashChild sqlite <file> | postgresql <connection string> [schema]");
    return 2;
}

ISessionStore store = args[0] switch
{
    "sqlite" => new SqliteSessionStore(new SqliteSessionStoreOptions { Path = args[1] }),
    "postgresql" => new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = args[1], Schema = args.Length > 2 ? args[2] : "public" }),
    _ => throw new ArgumentException($"unknown store '{args[0]}'"),
};

using var system = ActorSystem.Create("crash-child", "akka.loglevel = WARNING");
var container = system.ActorOf(SessionContainer.Props(SessionSettings.Default, null, null, store, SessionStoreSettings.Default));
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
