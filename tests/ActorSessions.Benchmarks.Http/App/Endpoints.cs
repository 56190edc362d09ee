using Akka.Actor;
using Akka.Hosting;

namespace ActorSessions.Benchmarks.Http.App;

/// <summary>
/// The endpoints every backend serves, the same code over <c>HttpContext.Session</c> (ASP.NET Core's
/// <see cref="ISession"/>, which both sessions implement). Each answers the value it read or wrote as text,
/// so the harness can check, at the end, that every acknowledged write is still there.
/// </summary>
internal static class Endpoints
{
    public const string Counter = "/counter";
    public const string Tab = "/tab/";
    public const string Login = "/login";

    /// <summary>ActorSessions' commits and the writes they carried so far, as "commits writes" (404 for other backends).</summary>
    public const string StoreFigures = "/store-figures";

    private const string CounterKey = "counter";

    /// <summary>The two tabs' names, each its own path: <c>/tab/a</c>, <c>/tab/b</c>.</summary>
    public static IReadOnlyList<string> Tabs { get; } = ["a", "b"];

    public static void Map(WebApplication app, Backend backend)
    {
        var sessions = backend.HasSessions();

        // Read-modify-write of one counter.
        app.MapPost(Counter, async (HttpContext http) => sessions ? Text(await IncrementAsync(http.Session, CounterKey)) : Text(0));

        // Read only: a request that reads the session and changes nothing.
        app.MapGet(Counter, async (HttpContext http) => sessions ? Text(await ReadAsync(http.Session, CounterKey)) : Text(0));

        // Two tabs of one session, each incrementing a key of its own at the same time as the other.
        foreach (var tab in Tabs)
        {
            var key = "tab-" + tab;
            app.MapPost(Tab + tab, async (HttpContext http) => sessions ? Text(await IncrementAsync(http.Session, key)) : Text(0));
            app.MapGet(Tab + tab, async (HttpContext http) => sessions ? Text(await ReadAsync(http.Session, key)) : Text(0));
        }

        // Login: a fresh session id with the data kept, against session fixation. ASP.NET Core's session has
        // no way to renew its id (its cookie holds the cache key until the session ends), so there the
        // login only writes, and the harness reports that no id was renewed.
        app.MapPost(Login, async (HttpContext http) =>
        {
            if (!sessions)
            {
                return Text(0);
            }

            await http.Session.LoadAsync(http.RequestAborted);
            if (backend.IsActorSessions())
            {
                await http.RenewSessionIdAsync();
            }

            http.Session.SetString("user", "ada");
            return Text(http.Session.GetInt32(CounterKey) ?? 0);
        });

        // Not a session endpoint: the harness reads it at a window's two ends for the writes a commit
        // carried (group commit), which explains the durable rows. It sends no cookie, so no session is
        // loaded or created for it.
        if (backend.IsActorSessions())
        {
            app.MapGet(StoreFigures, async (IRequiredActor<SessionContainer> container, CancellationToken cancellationToken) =>
            {
                var actor = await container.GetAsync(cancellationToken);
                var stats = await actor.Ask<SessionStoreStats>(GetSessionStoreStats.Instance, TimeSpan.FromSeconds(10), cancellationToken);
                return Results.Text(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{stats.Commits} {stats.WritesCommitted}"));
            });
        }
    }

    private static async Task<int> IncrementAsync(ISession session, string key)
    {
        // Loaded asynchronously first, as ASP.NET Core's documentation asks: its session otherwise loads
        // synchronously on the first access (ActorSessions' is loaded by its middleware already).
        await session.LoadAsync();
        var value = (session.GetInt32(key) ?? 0) + 1;
        session.SetInt32(key, value);
        return value;
    }

    private static async Task<int> ReadAsync(ISession session, string key)
    {
        await session.LoadAsync();
        return session.GetInt32(key) ?? 0;
    }

    private static IResult Text(int value) => Results.Text(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
