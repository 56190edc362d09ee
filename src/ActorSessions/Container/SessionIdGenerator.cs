using System.Buffers;
using System.Security.Cryptography;

namespace ActorSessions;

/// <summary>
/// Makes session ids from the operating system's CSPRNG. Each character is one of 64 URL- and
/// cookie-safe characters (the base64url alphabet), chosen by 6 random bits, so there is no modulo bias.
/// </summary>
internal sealed class SessionIdGenerator
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    // Vectorized: the check runs on every request that carries an id.
    private static readonly SearchValues<char> AlphabetValues = SearchValues.Create(Alphabet);

    // Random bytes are drawn in blocks: one syscall per many ids rather than one per id.
    private readonly byte[] _buffer;
    private readonly int _length;
    private int _position;

    public SessionIdGenerator(int length)
    {
        _length = length;
        _buffer = new byte[length * 64];
        _position = _buffer.Length;
    }

    public string Next()
    {
        if (_position + _length > _buffer.Length)
        {
            RandomNumberGenerator.Fill(_buffer);
            _position = 0;
        }

        var id = string.Create(_length, (_buffer, _position), static (chars, state) =>
        {
            var bytes = state._buffer.AsSpan(state._position, chars.Length);
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[bytes[i] & 63];
            }
        });

        // Spent randomness is wiped so a heap dump cannot show which ids were handed out.
        Array.Clear(_buffer, _position, _length);
        _position += _length;
        return id;
    }

    /// <summary>
    /// Whether <paramref name="id"/> could be a session id at all: a cheap pre-check, so garbage (a
    /// megabyte of it, control characters) is turned away before it is hashed. Any length a container
    /// may have been configured with passes, so changing <c>session-id-length</c> does not orphan ids.
    /// </summary>
    public static bool IsWellFormed(string id)
    {
        return id.Length is >= SessionSettings.MinSessionIdLength and <= SessionSettings.MaxSessionIdLength
            && !id.AsSpan().ContainsAnyExcept(AlphabetValues);
    }
}
