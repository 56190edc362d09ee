using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;

namespace ActorSessions;

/// <summary>
/// Reads what <see cref="WireWriter"/> wrote. Anything malformed (cut short, a length past the end, a
/// varint too long, invalid UTF-8) is a <see cref="SerializationException"/> that names the manifest.
/// </summary>
internal sealed class WireReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _bytes;
    private int _position;

    public WireReader(byte[] bytes, string manifest)
    {
        _bytes = bytes;
        Manifest = manifest;
    }

    /// <summary>The manifest being read, for error messages.</summary>
    public string Manifest { get; }

    /// <summary>How deep in nested messages the serializer is.</summary>
    public int Depth { get; set; }

    /// <summary>How many bytes are left.</summary>
    public int Remaining => _bytes.Length - _position;

    public byte Byte()
    {
        if (_position >= _bytes.Length)
        {
            throw Malformed("it is cut short");
        }

        return _bytes[_position++];
    }

    public bool Bool() => Byte() switch
    {
        0 => false,
        1 => true,
        var b => throw Malformed($"{b} is not a boolean"),
    };

    public ulong VarUInt()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Byte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Malformed("a varint is too long");
    }

    public long VarInt()
    {
        var zigzag = VarUInt();
        return (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
    }

    /// <summary>A signed varint that must fit an <see cref="int"/>.</summary>
    public int VarInt32()
    {
        var value = VarInt();
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw Malformed($"{value} does not fit 32 bits");
    }

    /// <summary>A count of items, each at least <paramref name="minBytesEach"/> bytes, so a count the rest cannot hold is refused before anything is allocated for it.</summary>
    public int Count(int minBytesEach)
    {
        var count = VarUInt();
        return count <= (ulong)(Remaining / minBytesEach) ? (int)count : throw Malformed($"a count of {count} is more than the bytes left hold");
    }

    public long Fixed64()
    {
        var span = Take(8);
        return BinaryPrimitives.ReadInt64LittleEndian(span);
    }

    public ReadOnlySpan<byte> Bytes()
    {
        var length = VarUInt();
        return length <= (ulong)Remaining ? Take((int)length) : throw Malformed($"a length of {length} runs past the end");
    }

    public string? String()
    {
        var header = VarUInt();
        if (header == 0)
        {
            return null;
        }

        var form = (header - 1) & 1;
        var length = (header - 1) >> 1;
        if (form == 0)
        {
            if (length > (ulong)Remaining)
            {
                throw Malformed($"a string of {length} bytes runs past the end");
            }

            try
            {
                return StrictUtf8.GetString(Take((int)length));
            }
            catch (DecoderFallbackException e)
            {
                throw new SerializationException($"A message with manifest '{Manifest}' is malformed: a string is not UTF-8.", e);
            }
        }

        if (length > (ulong)(Remaining / 2))
        {
            throw Malformed($"a string of {length} code units runs past the end");
        }

        var units = Take((int)length * 2);
        return string.Create((int)length, units.ToArray(), static (chars, bytes) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2));
            }
        });
    }

    /// <summary>Throws unless every byte was read: trailing bytes mean the writer and reader disagree.</summary>
    public void End()
    {
        if (Remaining != 0)
        {
            throw Malformed($"{Remaining} bytes follow the message");
        }
    }

    public SerializationException Malformed(string why) => new($"A message with manifest '{Manifest}' is malformed: {why}.");

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > Remaining)
        {
            throw Malformed("it is cut short");
        }

        var span = _bytes.AsSpan(_position, length);
        _position += length;
        return span;
    }
}
