using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace ActorSessions.Server.Pages;

/// <summary>
/// <c>GET /app.css</c> and <c>GET /app.js</c>: the page's style and script, as files of their own so the
/// Content-Security-Policy can forbid every inline script and style. They are embedded in the assembly
/// (the server runs from any folder) and carry no session data, so they may be cached: a browser keeps
/// them and revalidates with their ETag.
/// </summary>
internal static class PageAssets
{
    public static IEndpointRouteBuilder MapPageAssets(this IEndpointRouteBuilder endpoints)
    {
        Map(endpoints, "/app.css", "text/css; charset=utf-8");
        Map(endpoints, "/app.js", "text/javascript; charset=utf-8");
        return endpoints;
    }

    private static void Map(IEndpointRouteBuilder endpoints, string path, string contentType)
    {
        var content = Read(path.TrimStart('/'));
        var etag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 8)) + "\"");

        // Short-circuited: no session is loaded for a file that never uses one.
        endpoints.MapGet(path, (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(content, contentType, entityTag: etag);
            })
            .ShortCircuit();
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(PageAssets).Assembly.GetManifestResourceStream("ActorSessions.Server.Pages." + name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing from the server's assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
