using System.Collections.Immutable;
using System.Text;

namespace ActorSessions.Durability;

/// <summary>
/// The bytes a session's data is stored as: a format byte, then the entry count and each key and value,
/// length-prefixed (7-bit varints). The container encodes and decodes; stores keep the bytes as they are,
/// so both stores share one format and a row can move between them.
/// </summary>
internal static class SessionDataCodec
{
    public const byte FormatVersion = 1;

    /// <summary>The encoding of stored keys: UTF-8 that refuses invalid bytes instead of replacing them.</summary>
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Encode(SessionData data)
    {
        var size = 1 + VarIntSize(data.Count);
        foreach (var (key, value) in data)
        {
            var keyBytes = StrictUtf8.GetByteCount(key);
            size += VarIntSize(keyBytes) + keyBytes + VarIntSize(value.Length) + value.Length;
        }

        var buffer = new byte[size];
        var span = buffer.AsSpan();
        span[0] = FormatVersion;
        var position = 1;
        WriteVarInt(span, ref position, data.Count);
        foreach (var (key, value) in data)
        {
            WriteVarInt(span, ref position, StrictUtf8.GetByteCount(key));
            position += StrictUtf8.GetBytes(key, span[position..]);
            WriteVarInt(span, ref position, value.Length);
            value.AsSpan().CopyTo(span[position..]);
            position += value.Length;
        }

        return buffer;
    }

    public static byte[] EncodeUtf8(IReadOnlyList<KeyValuePair<byte[], byte[]>> items)
    {
        var size = 1 + VarIntSize(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var (key, value) = items[i];
            size += VarIntSize(key.Length) + key.Length + VarIntSize(value.Length) + value.Length;
        }

        var buffer = new byte[size];
        var span = buffer.AsSpan();
        span[0] = FormatVersion;
        var position = 1;
        WriteVarInt(span, ref position, items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var (key, value) = items[i];
            WriteVarInt(span, ref position, key.Length);
            key.CopyTo(span[position..]);
            position += key.Length;
            WriteVarInt(span, ref position, value.Length);
            value.CopyTo(span[position..]);
            position += value.Length;
        }

        return buffer;
    }

    /// <summary>
    /// Decodes stored bytes; <see langword="false"/> with the reason when they are not a valid encoding.
    /// With <paramref name="keys"/>, the key strings of the sessions one read decodes are shared.
    /// </summary>
    public static bool TryDecode(
        ReadOnlySpan<byte> bytes,
        out SessionData data,
        out string? error,
        SessionKeyStrings? keys = null)
    {
        data = default;
        error = null;
        try
        {
            if (bytes.Length == 0 || bytes[0] != FormatVersion)
            {
                error = bytes.Length == 0 ? "the data is empty" : $"unknown data format {bytes[0]}";
                return false;
            }

            var position = 1;
            var count = ReadVarInt(bytes, ref position);
            if (count == 0)
            {
                return End(bytes, position, ref error);
            }

            // Each entry takes at least two bytes, so a count the bytes cannot hold is refused before allocating for it.
            if (count > (bytes.Length - position) / 2)
            {
                throw new FormatException("the data is cut short");
            }

            var entries = new KeyValuePair<string, ImmutableArray<byte>>[count];
            for (var i = 0; i < count; i++)
            {
                var keyLength = ReadVarInt(bytes, ref position);
                var keyBytes = Take(bytes, ref position, keyLength);
                var key = keys is null ? StrictUtf8.GetString(keyBytes) : keys.Get(keyBytes);
                var valueLength = ReadVarInt(bytes, ref position);
                entries[i] = new(key, Take(bytes, ref position, valueLength).ToImmutableArray());
            }

            if (!SessionData.TryCreateOwned(entries, out data, out var duplicate))
            {
                error = $"the key '{duplicate}' appears twice";
                return false;
            }

            return End(bytes, position, ref error);
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException or ArgumentException)
        {
            error = e.Message;
            data = default;
            return false;
        }
    }

    private static bool End(ReadOnlySpan<byte> bytes, int position, ref string? error)
    {
        if (position == bytes.Length)
        {
            return true;
        }

        error = $"{bytes.Length - position} bytes follow the data";
        return false;
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> bytes, ref int position, int length)
    {
        if (length > bytes.Length - position)
        {
            throw new FormatException("the data is cut short");
        }

        var taken = bytes.Slice(position, length);
        position += length;
        return taken;
    }

    private static int VarIntSize(int value)
    {
        var size = 1;
        for (var v = (uint)value; v >= 0x80; v >>= 7)
        {
            size++;
        }

        return size;
    }

    private static void WriteVarInt(Span<byte> span, ref int position, int value)
    {
        var v = (uint)value;
        while (v >= 0x80)
        {
            span[position++] = (byte)(v | 0x80);
            v >>= 7;
        }

        span[position++] = (byte)v;
    }

    private static int ReadVarInt(ReadOnlySpan<byte> bytes, ref int position)
    {
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= bytes.Length)
            {
                throw new FormatException("the data is cut short");
            }

            var b = bytes[position++];
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result <= int.MaxValue ? (int)result : throw new FormatException("a length is out of range");
            }
        }

        throw new FormatException("a length is malformed");
    }
}
