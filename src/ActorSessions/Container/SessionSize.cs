namespace ActorSessions;

/// <summary>
/// How much data a session holds, as <c>max-session-bytes</c> and <c>max-memory</c> count it: every key
/// at two bytes a character (UTF-16, as .NET holds it) plus every value's length. Object headers and the
/// array that holds the pairs are not counted; <see cref="PerSessionOverhead"/> stands for a session's own
/// bookkeeping.
/// </summary>
internal static class SessionSize
{
    /// <summary>
    /// What <c>max-memory</c> counts for every session besides its data: its table entry (80 bytes), its
    /// id (a 20-character string, 64 bytes) and its share of the index. The benchmark measures 148 bytes
    /// for an empty session; this rounds up.
    /// </summary>
    public const long PerSessionOverhead = 160;

    /// <summary>The bytes of <paramref name="data"/>: keys as UTF-16, values as they are. O(keys).</summary>
    public static long Of(SessionData data)
    {
        long bytes = 0;
        foreach (var (key, value) in data)
        {
            bytes += (2L * key.Length) + value.Length;
        }

        return bytes;
    }
}
