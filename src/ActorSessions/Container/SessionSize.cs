namespace ActorSessions;

/// <summary>
/// How much a session holds, as the limits count it. Its data (<c>max-session-bytes</c>): every key at
/// two bytes a character (UTF-16, as .NET holds it) plus every value's length. Its memory
/// (<c>max-memory</c>): that, plus <see cref="PerKeyOverhead"/> a key and <see cref="PerSessionOverhead"/>,
/// so that fifty one-byte keys are not counted as 150 bytes when they take over 3 KB.
/// </summary>
internal static class SessionSize
{
    /// <summary>
    /// A session's own bookkeeping: its table entry (80 bytes), its id (a 20-character string, 64 bytes)
    /// and its share of the index. The benchmark measures 148 bytes for an empty session; this rounds up.
    /// </summary>
    public const long PerSessionOverhead = 160;

    /// <summary>
    /// What a key and its value cost beyond their characters and bytes: the key string's header (about
    /// 20 bytes), the value array's (24), the pair in the session's array (16), and padding.
    /// </summary>
    public const long PerKeyOverhead = 64;

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

    /// <summary>What one session with <paramref name="keys"/> keys and <paramref name="bytes"/> of data counts against <c>max-memory</c>.</summary>
    public static long Memory(long bytes, int keys) => bytes + (keys * PerKeyOverhead) + PerSessionOverhead;
}
