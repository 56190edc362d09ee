using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace ActorSessions;

/// <summary>
/// Writes the protocol's wire format (<see cref="SessionProtocolSerializer"/>): 7-bit varints for counts
/// and lengths, zigzag varints for signed integers, fixed little-endian 64 bits for clock ticks, and
/// strings that round-trip exactly, whatever they hold.
/// </summary>
internal sealed class WireWriter
{
    private byte[] _buffer = new byte[64];
    private int _length;

    /// <summary>How deep in nested messages the serializer is.</summary>
    public int Depth { get; set; }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void Byte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void VarUInt(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    /// <summary>A signed integer, zigzag-encoded so small negative values stay short.</summary>
    public void VarInt(long value) => VarUInt((ulong)((value << 1) ^ (value >> 63)));

    public void Fixed64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    /// <summary>A length, then the bytes.</summary>
    public void Bytes(ReadOnlySpan<byte> value)
    {
        VarUInt((ulong)value.Length);
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    /// <summary>
    /// A string or <see langword="null"/>: a header of 0 for null, else <c>(n × 2 + form) + 1</c>, then
    /// <c>n</c> UTF-8 bytes (form 0) or, for a string that is not valid UTF-16 (a lone surrogate, as a
    /// presented id may hold), <c>n</c> UTF-16 code units, low byte first (form 1). Nothing is ever replaced.
    /// </summary>
    public void String(string? value)
    {
        if (value is null)
        {
            VarUInt(0);
            return;
        }

        var start = _length;
        var byteCount = Encoding.UTF8.GetByteCount(value);
        VarUInt(((ulong)byteCount << 1) + 1);
        Ensure(byteCount);
        var status = Utf8.FromUtf16(value, _buffer.AsSpan(_length, byteCount), out _, out var written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done && written == byteCount)
        {
            _length += byteCount;
            return;
        }

        _length = start;
        VarUInt(((ulong)value.Length << 1 | 1) + 1);
        Ensure(value.Length * 2);
        foreach (var c in value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_length), c);
            _length += 2;
        }
    }

    private void Ensure(int more)
    {
        if (_buffer.Length - _length >= more)
        {
            return;
        }

        var size = Math.Max(_buffer.Length * 2, _length + more);
        Array.Resize(ref _buffer, size);
    }
}
