using System.Diagnostics;
using HdrHistogram;

namespace ActorSessions.Benchmarks.Measurement;

/// <summary>Latencies in nanoseconds, one histogram per worker (HdrHistogram is not thread-safe), merged at the end.</summary>
internal static class LatencyRecorder
{
    private const long Highest = 60_000_000_000L;
    private static readonly double NanosPerTick = 1e9 / Stopwatch.Frequency;

    public static LongHistogram Create() => new(10, Highest, 3);

    public static void Record(LongHistogram histogram, long startTimestamp, long endTimestamp)
    {
        var nanos = (long)((endTimestamp - startTimestamp) * NanosPerTick);
        histogram.RecordValue(Math.Clamp(nanos, 10, Highest));
    }

    public static LongHistogram Merge(IEnumerable<LongHistogram> histograms)
    {
        var merged = Create();
        foreach (var h in histograms)
        {
            merged.Add(h);
        }

        return merged;
    }

    public static double Micros(LongHistogram h, double percentile) =>
        h.TotalCount == 0 ? double.NaN : h.GetValueAtPercentile(percentile) / 1000.0;
}
