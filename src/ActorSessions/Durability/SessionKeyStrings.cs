namespace ActorSessions.Durability;

/// <summary>
/// The key strings of the sessions one read decodes, shared: the sessions of an app use a handful of keys
/// ("user", "cart"), so a million recovered sessions would otherwise hold two million copies of them, each
/// allocated, promoted through the GC's generations and kept. A small table by the key's bytes; a key
/// that misses (or is long) is decoded as usual. Not thread-safe: one per read.
/// </summary>
internal sealed class SessionKeyStrings
{
    private const int Slots = 256;
    private const int MaxLength = 64;

    private readonly byte[]?[] _bytes = new byte[Slots][];
    private readonly string?[] _strings = new string[Slots];

    /// <summary>The key whose UTF-8 bytes are <paramref name="utf8"/>.</summary>
    /// <exception cref="System.Text.DecoderFallbackException">The bytes are not UTF-8.</exception>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            return SessionDataCodec.StrictUtf8.GetString(utf8);
        }

        var slot = Slot(utf8);
        if (_bytes[slot] is { } bytes && utf8.SequenceEqual(bytes))
        {
            return _strings[slot]!;
        }

        var key = SessionDataCodec.StrictUtf8.GetString(utf8);
        _bytes[slot] = utf8.ToArray();
        _strings[slot] = key;
        return key;
    }

    /// <summary>FNV-1a over the bytes, folded to a slot.</summary>
    private static int Slot(ReadOnlySpan<byte> utf8)
    {
        var hash = 2166136261u;
        foreach (var b in utf8)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)((hash ^ (hash >> 16)) % Slots);
    }
}
