using System.Globalization;

namespace ActorSessions.Server.Sessions;

/// <summary>
/// How the server lays out its own data in a session: a visit counter, and the visitor's keys under a
/// prefix, so no key a visitor picks can clash with the counter.
/// </summary>
internal static class SessionView
{
    public const string VisitsKey = "visits";
    private const string DataPrefix = "data:";

    /// <summary>The session key under which the visitor's <paramref name="key"/> is stored.</summary>
    public static string DataKey(string key) => DataPrefix + key;

    /// <summary>Counts a visit and stores it at once, so the answer can show the session's real stamps.</summary>
    public static async Task<SessionSnapshot> VisitAsync(HttpContext context)
    {
        var session = context.GetActorSession();
        var visits = long.TryParse(session.GetString(VisitsKey), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v + 1 : 1;
        session.SetString(VisitsKey, visits.ToString(CultureInfo.InvariantCulture));
        await session.CommitAsync(context.RequestAborted);
        var current = session.Current ?? throw new InvalidOperationException("The session was not stored.");
        return new SessionSnapshot(session.IsNew, visits, current.CreatedAt, current.LastModified, Data(current));
    }

    /// <summary>The visitor's keys and values, without the server's own.</summary>
    public static SortedDictionary<string, string> Data(Session session)
    {
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in session.Keys)
        {
            if (key.StartsWith(DataPrefix, StringComparison.Ordinal))
            {
                data[key[DataPrefix.Length..]] = session.GetString(key) ?? string.Empty;
            }
        }

        return data;
    }
}
