using ActorSessions.AspNetCore;
using ActorSessions.Server.Cluster;
using ActorSessions.Server.Security;
using ActorSessions.Server.Sessions;

namespace ActorSessions.Server.Pages;

/// <summary>
/// <c>GET /</c>: the visitor's session (visits, stamps, keys and values) with forms to change it, and a live
/// panel of container statistics. The forms post to <c>/session/...</c> and come back with a redirect,
/// so the page works without script; only the statistics panel refreshes itself with script.
/// </summary>
internal static class HomePage
{
    public static IEndpointRouteBuilder MapHomePage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", async (HttpContext context, ISessionClient client) =>
        {
            var snapshot = await SessionView.VisitAsync(context);
            var stats = await client.GetStatsAsync(context.RequestAborted);
            var node = await ClusterNode.ReadAsync(context);
            return Results.Content(HomePageHtml.Render(snapshot, stats, context.Request.Query["error"], node), "text/html; charset=utf-8");
        });

        var forms = endpoints.MapGroup("/session").RequireSameOrigin();

        forms.MapPost("/data", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var key = form["key"].ToString().Trim();
            if (key.Length == 0)
            {
                return BackHome("Give the value a key.");
            }

            try
            {
                context.Session.SetString(SessionView.DataKey(key), form["value"].ToString());
            }
            catch (SessionLimitExceededException e)
            {
                return BackHome(e.Message);
            }

            return BackHome();
        }).RequireForm();

        forms.MapPost("/data/remove", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            context.Session.Remove(SessionView.DataKey(form["key"].ToString()));
            return BackHome();
        }).RequireForm();

        forms.MapPost("/renew", async (HttpContext context) =>
        {
            await context.RenewSessionIdAsync();
            return BackHome();
        });

        forms.MapPost("/logout", async (HttpContext context) =>
        {
            await context.EndSessionAsync();
            return BackHome();
        });

        return endpoints;
    }

    // Post/redirect/get: a reload does not post the form again.
    private static IResult BackHome(string? error = null) =>
        Results.Redirect(error is null ? "/" : "/?error=" + Uri.EscapeDataString(error), permanent: false, preserveMethod: false);
}
