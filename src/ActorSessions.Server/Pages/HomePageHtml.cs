using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using ActorSessions.Server.Sessions;

namespace ActorSessions.Server.Pages;

/// <summary>The markup of <c>GET /</c>. Every value from the session is HTML-encoded; the session id is never written.</summary>
internal static class HomePageHtml
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    public static string Render(SessionSnapshot session, SessionStats stats, string? error)
    {
        var sb = new StringBuilder(4096);
        sb.Append("""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>ActorSessions</title>
            <style>
              :root { --ink:#1d2433; --muted:#5b6578; --line:#dde2ea; --accent:#2456c8; --bg:#f5f7fa; --card:#fff; --danger:#b42318; }
              * { box-sizing: border-box; }
              body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color:var(--ink); background:var(--bg); }
              header { background:var(--ink); color:#fff; padding:14px 28px; display:flex; align-items:baseline; gap:14px; }
              header h1 { margin:0; font-size:20px; }
              header span { color:#b8c2d6; font-size:13px; }
              main { max-width:1040px; margin:24px auto; padding:0 20px; display:grid; grid-template-columns: 1fr 320px; gap:20px; }
              section { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:18px 20px; }
              h2 { margin:0 0 12px; font-size:16px; }
              .facts { display:grid; grid-template-columns: repeat(3, 1fr); gap:12px; margin-bottom:16px; }
              .fact { border:1px solid var(--line); border-radius:8px; padding:10px 12px; }
              .fact b { display:block; font-size:22px; }
              .fact small, .note { color:var(--muted); font-size:12.5px; }
              table { width:100%; border-collapse:collapse; margin:6px 0 14px; }
              th, td { text-align:left; padding:7px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
              th { font-size:12.5px; color:var(--muted); font-weight:600; }
              td.value { font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break:break-all; }
              form.inline { display:inline; margin:0; }
              .set { display:flex; gap:8px; flex-wrap:wrap; margin-bottom:14px; }
              input[type=text] { padding:7px 9px; border:1px solid var(--line); border-radius:6px; font:inherit; }
              input[name=key] { width:160px; } input[name=value] { flex:1; min-width:180px; }
              button { padding:7px 13px; border-radius:6px; border:1px solid var(--accent); background:var(--accent); color:#fff; font:inherit; cursor:pointer; }
              button.quiet { background:#fff; color:var(--accent); }
              button.danger { background:#fff; color:var(--danger); border-color:var(--danger); }
              .actions { display:flex; gap:8px; border-top:1px solid var(--line); padding-top:14px; }
              .error { background:#fdecea; color:var(--danger); border:1px solid #f5c2bd; border-radius:6px; padding:8px 10px; margin-bottom:12px; }
              dl { margin:0; display:grid; grid-template-columns: minmax(0, 1fr) auto; column-gap:12px; row-gap:6px; }
              dt { color:var(--muted); } dd { margin:0; text-align:right; font-variant-numeric: tabular-nums; font-weight:600; }
              dd.sub, dt.sub { font-weight:normal; padding-left:12px; font-size:13.5px; }
              .empty { color:var(--muted); font-style:italic; }
              .cleanup { margin:12px 0 0; padding-top:10px; border-top:1px solid var(--line); color:var(--muted); }
              .cleanup b { color:var(--ink); font-variant-numeric: tabular-nums; }
            </style>
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
            </main>
            <script>
            (() => {
              const set = (id, text) => { const e = document.getElementById('stat-' + id); if (e) e.textContent = text; };
              // A finished cleanup always took some time: zero means none has run yet.
              const duration = (ms, removed) => ms === 0 ? 'none yet' : (ms < 1 ? ms.toFixed(3) : ms.toFixed(1)) + ' ms, ' + removed + ' removed';
              async function refresh() {
                try {
                  const r = await fetch('/api/stats', { cache: 'no-store' });
                  if (!r.ok) throw new Error(r.status);
                  const s = await r.json();
                  set('sessions', s.sessions); set('created', s.created);
                  set('expired', s.ended.expired); set('deleted', s.ended.deleted);
                  set('evicted', s.ended.evicted); set('renewed', s.ended.renewed);
                  set('cleanup', duration(s.lastCleanup.durationMs, s.lastCleanup.removed));
                  document.getElementById('stats-updated').textContent = 'Updated ' + new Date().toLocaleTimeString() + '; refreshes every 2 seconds.';
                } catch (e) {
                  document.getElementById('stats-updated').textContent = 'The server did not answer; retrying.';
                }
              }
              setInterval(refresh, 2000);
            })();
            </script>
            </body>
            </html>

            """);
        return sb.ToString();
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
