using System.Globalization;
using System.Net;
using ActorSessions.Benchmarks.Http.App;

namespace ActorSessions.Benchmarks.Http.Load;

/// <summary>
/// One visitor: a cookie container (so one session) and one <see cref="HttpClient"/> per tab, each with its
/// own connection. Counts the writes the server acknowledged, key by key, so that the values read back at
/// the end tell whether any acknowledged write was lost.
/// </summary>
internal sealed class VirtualUser : IDisposable
{
    private const int SetUpAttempts = 5;

    private readonly Dictionary<string, long> _acknowledged = new(StringComparer.Ordinal);

    public VirtualUser(Uri address, int tabs)
    {
        var cookies = new CookieContainer();
        Tabs = Enumerable.Range(0, tabs).Select(_ => new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = cookies,
            UseCookies = true,
            MaxConnectionsPerServer = 1,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        }).ToArray();
    }

    public IReadOnlyList<HttpClient> Tabs { get; }

    /// <summary>The acknowledged writes so far, all keys together.</summary>
    public long AcknowledgedCount
    {
        get
        {
            lock (_acknowledged)
            {
                return _acknowledged.Values.Sum();
            }
        }
    }

    /// <summary>Records one acknowledged (2xx) write of <paramref name="path"/>; tabs of one user call it concurrently.</summary>
    public void Acknowledged(string path)
    {
        lock (_acknowledged)
        {
            _acknowledged[path] = _acknowledged.GetValueOrDefault(path) + 1;
        }
    }

    /// <summary>
    /// Reads back every value this user wrote (<c>GET</c> of the path it posted to) and returns how many
    /// acknowledged writes are missing from it; <see langword="null"/> when the server could not be asked.
    /// </summary>
    public async Task<long?> LostUpdatesAsync(CancellationToken cancellationToken)
    {
        KeyValuePair<string, long>[] written;
        lock (_acknowledged)
        {
            written = [.. _acknowledged];
        }

        long lost = 0;
        foreach (var (path, count) in written)
        {
            using var response = await Tabs[0].GetAsync(path, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var value = long.Parse(await response.Content.ReadAsStringAsync(cancellationToken), CultureInfo.InvariantCulture);
            lost += Math.Max(0, count - value);
        }

        return lost;
    }

    /// <summary>The first request of a user: creates its session with the values later requests read.</summary>
    /// <remarks>
    /// A write answered 503 was not stored (the store could not take it in time, as on a machine busy with
    /// other work), so it is sent again, as a browser's user would, a few times before the cell fails: the
    /// set-up is not measured.
    /// </remarks>
    public async Task SetUpAsync(Workload workload, CancellationToken cancellationToken)
    {
        var paths = workload == Workload.TwoTabs ? Endpoints.Tabs.Select(t => Endpoints.Tab + t) : [Endpoints.Counter];
        foreach (var path in paths)
        {
            for (var attempt = 1; ; attempt++)
            {
                using var response = await Tabs[0].PostAsync(path, content: null, cancellationToken);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < SetUpAttempts)
                {
                    // Not the whole Retry-After (5 s by default): a benchmark's set-up has its own patience.
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
                    continue;
                }

                response.EnsureSuccessStatusCode();
                Acknowledged(path);
                break;
            }
        }
    }

    public void Dispose()
    {
        foreach (var tab in Tabs)
        {
            tab.Dispose();
        }
    }
}
