using System.Diagnostics;
using HdrHistogram;

namespace ActorSessions.Benchmarks.Http.Load;

/// <summary>
/// One tab's closed loop: the next request starts when the last one's response has been read. Counts and
/// times only the requests that complete while the phase is <see cref="LoadPhase.Measuring"/>, in a
/// histogram of its own (no sharing between the loops).
/// </summary>
internal sealed class TabLoop(VirtualUser user, HttpClient client, HttpMethod method, string path, bool writes)
{
    /// <summary>Latency in microseconds, up to a minute.</summary>
    public LongHistogram Latency { get; } = new(60_000_000, 3);

    public long Requests { get; private set; }

    public long Errors { get; private set; }

    /// <summary>Measured responses that set a cookie: a new session id.</summary>
    public long CookiesSet { get; private set; }

    public async Task RunAsync(LoadPhase phase)
    {
        while (phase.Value != LoadPhase.Stopping)
        {
            var started = Stopwatch.GetTimestamp();
            var ok = false;
            var cookieSet = false;
            try
            {
                using var request = new HttpRequestMessage(method, path);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                ok = response.IsSuccessStatusCode;
                cookieSet = response.Headers.Contains("Set-Cookie");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Counted as an error below; a refused write is not acknowledged.
            }

            if (ok && writes)
            {
                user.Acknowledged(path);
            }

            if (phase.Value == LoadPhase.Measuring)
            {
                Latency.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds));
                Requests++;
                Errors += ok ? 0 : 1;
                CookiesSet += cookieSet ? 1 : 0;
            }
        }
    }
}
