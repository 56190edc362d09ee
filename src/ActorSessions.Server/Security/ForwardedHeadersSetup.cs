using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace ActorSessions.Server.Security;

/// <summary>
/// Behind a TLS proxy the server sees plain HTTP from the proxy; the proxy's <c>X-Forwarded-Proto</c> and
/// <c>X-Forwarded-For</c> give it the scheme and address the browser used, so the origin rule compares the
/// browser's <c>https://</c> origin with <c>https://</c>, and a <c>SameAsRequest</c> cookie is Secure.
/// Only the proxies in <c>ActorSessions:ForwardedHeaders</c> are believed (<c>KnownProxies</c>: addresses,
/// <c>KnownNetworks</c>: CIDR ranges; each a list or one comma-separated value). Unset, that is loopback
/// alone, a proxy on the same machine, ASP.NET Core's default; set, the lists replace it. The host header
/// is never taken from a proxy: it must pass the browser's <c>Host</c> on.
/// </summary>
internal static class ForwardedHeadersSetup
{
    /// <summary>The configuration section.</summary>
    public const string SectionKey = "ActorSessions:ForwardedHeaders";

    /// <summary>Reads the section now, so a wrong address stops the server before it starts.</summary>
    /// <exception cref="InvalidOperationException">An address or range cannot be read.</exception>
    public static IServiceCollection AddForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionKey);
        var proxies = Values(section.GetSection("KnownProxies"))
            .Select(v => IPAddress.TryParse(v, out var address) ? address : throw Invalid("KnownProxies", v, "an IP address such as 10.0.0.5"))
            .ToList();
        var networks = Values(section.GetSection("KnownNetworks"))
            .Select(v => System.Net.IPNetwork.TryParse(v, out var network) ? network : throw Invalid("KnownNetworks", v, "an IP range such as 10.0.0.0/8"))
            .ToList();

        return services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            if (proxies.Count + networks.Count == 0)
            {
                return;
            }

            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            proxies.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);
        });
    }

    private static IEnumerable<string> Values(IConfigurationSection section) =>
        (section.Value is { } list ? list.Split(',') : section.GetChildren().Select(c => c.Value ?? string.Empty))
            .Select(v => v.Trim())
            .Where(v => v.Length > 0);

    private static InvalidOperationException Invalid(string key, string value, string expected) =>
        new($"{SectionKey}:{key}: '{value}' is not {expected}.");
}
