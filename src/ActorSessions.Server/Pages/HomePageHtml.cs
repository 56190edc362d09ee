using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using ActorSessions.Server.Cluster;
using ActorSessions.Server.Sessions;

namespace ActorSessions.Server.Pages;

/// <summary>
/// The markup of <c>GET /</c>. Every value from the session is HTML-encoded; the session id is never written.
/// Style and script are files of their own (<see cref="PageAssets"/>): the page has no inline code.
/// </summary>
internal static class HomePageHtml
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    /// <param name="session">The visitor's session.</param>
    /// <param name="stats">The container's figures (in a cluster, the sum over every partition).</param>
    /// <param name="error">A message to show, from a form that was refused.</param>
    /// <param name="node">This node, in cluster mode; <see langword="null"/> in a single process.</param>
    public static string Render(SessionSnapshot session, SessionStats stats, string? error, ClusterNode? node = null)
    {
        var sb = new StringBuilder(4096);
        sb.Append("""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>ActorSessions</title>
            <link rel="stylesheet" href="/app.css">
            <script src="/app.js" defer></script>
            </head>
            <body>
            <header><h1>ActorSessions</h1><span>server-side sessions on one Akka.NET actor</span></header>
            <main>
            <section id="session">
              <h2>Your session</h2>

            """);
        if (!string.IsNullOrEmpty(error))
        {
            sb.Append("  <div class=\"error\" role=\"alert\">").Append(Html.Encode(error)).Append("</div>\n");
        }

        sb.Append("  <div class=\"facts\">\n");
        Fact(sb, "visits", session.Visits.ToString(CultureInfo.InvariantCulture), session.IsNew ? "new session" : "visits in this session");
        Fact(sb, "created", Time(session.CreatedAt), Date(session.CreatedAt));
        Fact(sb, "last-active", Time(session.LastModified), Date(session.LastModified));
        sb.Append("  </div>\n");

        sb.Append("  <table id=\"data\"><thead><tr><th>Key</th><th>Value</th><th></th></tr></thead><tbody>\n");
        if (session.Data.Count == 0)
        {
            sb.Append("    <tr><td colspan=\"3\" class=\"empty\">No values stored yet.</td></tr>\n");
        }

        foreach (var (key, value) in session.Data)
        {
            var k = Html.Encode(key);
            sb.Append("    <tr data-key=\"").Append(k).Append("\"><td>").Append(k).Append("</td><td class=\"value\">").Append(Html.Encode(value))
                .Append("</td><td><form class=\"inline\" method=\"post\" action=\"/session/data/remove\"><input type=\"hidden\" name=\"key\" value=\"")
                .Append(k).Append("\"><button class=\"quiet\" type=\"submit\">Remove</button></form></td></tr>\n");
        }

        sb.Append("""
              </tbody></table>
              <form class="set" method="post" action="/session/data">
                <input type="text" name="key" placeholder="key" required>
                <input type="text" name="value" placeholder="value">
                <button type="submit" id="set">Set</button>
              </form>
              <div class="actions">
                <form class="inline" method="post" action="/session/renew"><button class="quiet" type="submit" id="renew">Renew session id</button></form>
                <form class="inline" method="post" action="/session/logout"><button class="danger" type="submit" id="logout">Log out</button></form>
              </div>
              <p class="note">The session id lives only in an HttpOnly cookie; this page never shows it. Renewing gives the same data a fresh id, as at login; logging out ends the session.</p>
            </section>
            <section id="stats">
              <h2>Container</h2>
              <dl>

            """);
        Stat(sb, "sessions", "Sessions held", stats.Count.ToString(CultureInfo.InvariantCulture));
        Stat(sb, "created", "Created", stats.Created.ToString(CultureInfo.InvariantCulture));
        sb.Append("    <dt>Ended</dt><dd></dd>\n");
        Stat(sb, "expired", "expired", stats.Expired.ToString(CultureInfo.InvariantCulture), sub: true);
        Stat(sb, "deleted", "logged out", stats.Deleted.ToString(CultureInfo.InvariantCulture), sub: true);
        Stat(sb, "evicted", "evicted", stats.Evicted.ToString(CultureInfo.InvariantCulture), sub: true);
        Stat(sb, "renewed", "renewed (old ids)", stats.Renewed.ToString(CultureInfo.InvariantCulture), sub: true);
        sb.Append("  </dl>\n  <p class=\"cleanup\">Last cleanup<br><b id=\"stat-cleanup\">")
            .Append(Duration(stats.LastCleanupDuration.TotalMilliseconds, stats.LastCleanupRemoved)).Append("</b></p>\n");
        sb.Append("""
              <p class="note" id="stats-updated">Refreshes every 2 seconds.</p>
            </section>

            """);
        if (node is not null)
        {
            Node(sb, node);
        }

        sb.Append("""
            </main>
            </body>
            </html>

            """);
        return sb.ToString();
    }

    /// <summary>Which node answered the page, and what it holds: the cluster is one set of sessions over several.</summary>
    private static void Node(StringBuilder sb, ClusterNode node)
    {
        sb.Append("<section id=\"node\">\n  <h2>Cluster node</h2>\n  <dl>\n");
        Stat(sb, "node-address", "Address", node.Address);
        Stat(sb, "node-status", "Member status", node.Status);
        var held = node.Held.Count.ToString(CultureInfo.InvariantCulture) + " of " + node.Partitions.ToString(CultureInfo.InvariantCulture);
        Stat(sb, "node-partitions", "Partitions held", held);
        sb.Append("  </dl>\n  <p class=\"note\" id=\"node-held\">")
            .Append(node.Held.Count == 0 ? "This node holds no partition right now." : "Partitions " + Html.Encode(string.Join(", ", node.Held)) + ".")
            .Append(' ')
            .Append(node.Answering == node.Partitions
                ? "Every partition answers."
                : Html.Encode($"{node.Partitions - node.Answering} of {node.Partitions} partitions do not answer right now (their node may be being replaced)."))
            .Append("</p>\n</section>\n");
    }

    private static void Fact(StringBuilder sb, string id, string value, string caption) =>
        sb.Append("    <div class=\"fact\"><small>").Append(id.Replace('-', ' ')).Append("</small><b id=\"").Append(id).Append("\">")
            .Append(Html.Encode(value)).Append("</b><small>").Append(Html.Encode(caption)).Append("</small></div>\n");

    private static void Stat(StringBuilder sb, string id, string label, string value, bool sub = false)
    {
        var cls = sub ? " class=\"sub\"" : string.Empty;
        sb.Append("    <dt").Append(cls).Append('>').Append(label).Append("</dt><dd").Append(cls).Append(" id=\"stat-").Append(id).Append("\">")
            .Append(Html.Encode(value)).Append("</dd>\n");
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Date(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " UTC";

    // A finished cleanup always took some time: zero means none has run yet.
    private static string Duration(double ms, int removed) =>
        ms == 0 ? "none yet" : (ms < 1 ? ms.ToString("0.000", CultureInfo.InvariantCulture) : ms.ToString("0.0", CultureInfo.InvariantCulture)) + " ms, " + removed.ToString(CultureInfo.InvariantCulture) + " removed";
}
