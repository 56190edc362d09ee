namespace ActorSessions.Benchmarks.Measurement;

/// <summary>Summaries of repeated measurements.</summary>
internal static class Statistics
{
    /// <summary>The middle value; for an even count, the mean of the two middle ones.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("A median needs at least one value.", nameof(values));
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
