namespace ActorSessions.Server.Security;

/// <summary>
/// The one origin check of every endpoint that changes a session, the page's forms and the JSON API alike:
/// a request that a browser says comes from another site is refused with 403 before it changes anything.
/// The SameSite=Lax cookie already keeps the session out of a cross-site post; this refuses it also when a
/// browser sends the cookie anyway, as it does from a sibling subdomain (same-site). Refused: <c>Sec-Fetch-Site</c>
/// <c>cross-site</c> or <c>same-site</c>, and an <c>Origin</c> that is not the server's own (<c>null</c>,
/// from a sandboxed frame or a <c>data:</c> page, included). A request with neither header passes: no
/// browser sent it (curl, server to server), and the check is against browsers. Safe methods (GET, HEAD,
/// OPTIONS, TRACE) always pass, so a link from another site still opens the page.
/// </summary>
internal static class SameOriginRule
{
    /// <summary>The body of a refusal.</summary>
    public const string RefusedMessage = "Cross-site requests that change the session are refused.";

    /// <summary>Applies the rule to every endpoint of <paramref name="builder"/> (a group or one endpoint).</summary>
    public static TBuilder RequireSameOrigin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(static async (invocation, next) =>
            IsCrossSite(invocation.HttpContext.Request)
                ? Results.Text(RefusedMessage, statusCode: StatusCodes.Status403Forbidden)
                : await next(invocation));

    /// <summary>Whether a browser says <paramref name="request"/> comes from another origin or site.</summary>
    public static bool IsCrossSite(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        {
            return false;
        }

        var fetchSite = request.Headers["Sec-Fetch-Site"];
        if (fetchSite.Count > 1 || fetchSite.ToString() is "cross-site" or "same-site")
        {
            return true;
        }

        var origin = request.Headers.Origin;
        return origin.Count switch
        {
            0 => false,
            1 => !IsServerOrigin(origin.ToString(), request),
            _ => true,
        };
    }

    // The request's scheme and host are the ones the browser used: behind a TLS proxy, the forwarded
    // headers have set them (ForwardedHeadersSetup).
    private static bool IsServerOrigin(string origin, HttpRequest request)
    {
        // "null", an empty value, a path or anything else that is not scheme://host[:port] is no origin of ours.
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.PathAndQuery != "/" || uri.UserInfo.Length > 0 || origin.EndsWith('/'))
        {
            return false;
        }

        var originHost = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        var host = request.Host;
        var port = host.Port ?? (string.Equals(request.Scheme, "https", StringComparison.OrdinalIgnoreCase) ? 443 : 80);
        return host.HasValue
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(originHost, host.Host, StringComparison.OrdinalIgnoreCase)
            && uri.Port == port;
    }
}
