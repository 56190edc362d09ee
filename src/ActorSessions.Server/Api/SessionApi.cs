using System.Text;
using ActorSessions.Server.Security;
using ActorSessions.Server.Sessions;

namespace ActorSessions.Server.Api;

/// <summary>The JSON API over the caller's own session.</summary>
internal static class SessionApi
{
    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder endpoints)
    {
        // The writes below refuse a browser's cross-site request, as the page's forms do.
        var api = endpoints.MapGroup("/api/session").RequireSameOrigin();

        // Counts a visit, so it creates the session on a first call.
        // The explicit return type keeps the lambda from binding as a RequestDelegate, which would drop the result.
        api.MapGet("/", async Task<IResult> (HttpContext context) => Results.Ok(await SessionView.VisitAsync(context)));

        api.MapPut("/data/{key}", async (string key, HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, new UTF8Encoding(false, true));
            string value;
            try
            {
                value = await reader.ReadToEndAsync(context.RequestAborted);
            }
            catch (DecoderFallbackException)
            {
                return Results.Text("The value must be UTF-8 text. Nothing was stored.", statusCode: StatusCodes.Status400BadRequest);
            }

            context.Session.SetString(SessionView.DataKey(key), value);
            return Results.NoContent();
        });

        api.MapDelete("/data/{key}", (string key, HttpContext context) =>
        {
            context.Session.Remove(SessionView.DataKey(key));
            return Results.NoContent();
        });

        api.MapPost("/renew", async (HttpContext context) =>
        {
            if (!context.GetActorSession().Exists)
            {
                return Results.Text("There is no session to renew.", statusCode: StatusCodes.Status404NotFound);
            }

            await context.RenewSessionIdAsync();
            return Results.NoContent();
        });

        api.MapDelete("/", async (HttpContext context) =>
        {
            await context.EndSessionAsync();
            return Results.NoContent();
        });

        return endpoints;
    }
}
