using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace ActorSessions.AspNetCore;

/// <summary>
/// The default limit on new sessions per client: a token bucket per client address (an IPv6 client by its
/// /64 network, which one client typically holds whole), so a client that creates sessions in a loop cannot
/// fill the container and push everyone else's sessions out.
/// </summary>
internal static class NewSessionRateLimiter
{
    /// <summary>The limiter the options ask for, or <see langword="null"/> when new sessions are not limited.</summary>
    public static PartitionedRateLimiter<HttpContext>? Create(ActorSessionsHttpOptions options)
    {
        if (options.NewSessionLimiter is { } custom)
        {
            return custom;
        }

        if (options.NewSessionsPerMinute is not { } perMinute)
        {
            return null;
        }

        var burst = options.NewSessionBurst;
        return PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetTokenBucketLimiter(
            ClientKey(context),
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    private static string ClientKey(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } address)
        {
            return string.Empty;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new IPAddress(bytes);
        }

        return address.ToString();
    }
}
