using Microsoft.Extensions.Primitives;

namespace ActorSessions.Server.Security;

/// <summary>
/// The response headers the OWASP Secure Headers Project recommends, on every response of the server,
/// errors included: they are set when the response starts, after anything that cleared the headers.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>
    /// Only the server's own files, no inline script or style, no plugins, no framing; forms post only
    /// back to the server.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Not <c>no-referrer</c>: under it a browser sends <c>Origin: null</c> on the page's own form posts,
    /// which <see cref="SameOriginRule"/> refuses. This one sends the full origin to the server itself and
    /// only the origin, never a path, to other sites.
    /// </summary>
    public const string ReferrerPolicy = "strict-origin-when-cross-origin";

    /// <summary>The page uses no powerful browser feature: every one is off.</summary>
    public const string PermissionsPolicy =
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), "
        + "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), "
        + "publickey-credentials-get=(), screen-wake-lock=(), sync-xhr=(), usb=(), xr-spatial-tracking=()";

    /// <summary>Adds the headers to every response of the middleware that follow.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(Apply, context.Response);
            return next(context);
        });

    private static Task Apply(object state)
    {
        var headers = ((HttpResponse)state).Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = ReferrerPolicy;
        headers["Permissions-Policy"] = PermissionsPolicy;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Cross-Origin-Embedder-Policy"] = "require-corp";
        headers["X-Permitted-Cross-Domain-Policies"] = "none";

        // Every dynamic response may carry session data (the page, the API, the forms' redirects): no cache
        // keeps it. A response that chose its own caching (the page's files) keeps its choice.
        if (StringValues.IsNullOrEmpty(headers.CacheControl))
        {
            headers.CacheControl = "no-store";
        }

        return Task.CompletedTask;
    }
}
