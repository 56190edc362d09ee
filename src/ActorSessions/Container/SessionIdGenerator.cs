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

    /// <summary>
    /// How many draws <see cref="NextFor"/> makes for each partition before it gives up: each draw hits with
    /// probability <c>1/P</c>, so missing this many times in a row has probability about <c>e^-64</c> (10^-28).
    /// Reaching it means the random source or the hash is broken, not bad luck.
    /// </summary>
    internal const int DrawsPerPartition = 64;

    /// <summary>How many ids this generator has drawn, kept or not: <see cref="NextFor"/> draws <c>P</c> per id on average.</summary>
    internal long Draws { get; private set; }

    public string Next()
    {
        // Straight into the string; only NextFor, which hashes an id before it keeps it, needs a buffer of chars.
        Refill();
        var id = string.Create(_length, (_buffer, _position), static (chars, state) =>
            Map(state._buffer.AsSpan(state._position, chars.Length), chars));
        Spend();
        return id;
    }

    /// <summary>
    /// A fresh id that belongs to <paramref name="partition"/> of <paramref name="partitions"/>
    /// (<see cref="SessionPartitioner.PartitionOf(string, int)"/>): ids are drawn until one hashes there,
    /// <c>P</c> draws on average, and only the one kept becomes a string.
    /// </summary>
    /// <remarks>
    /// The id is uniform over the ids of its partition, about <c>64^length / P</c> of them, so it carries
    /// <c>6 × length − log2(P)</c> bits: 115 for the default 20 characters at P = 30.
    /// <see cref="SessionPartitioner.MaxPartitionsFor"/> is the P a length affords while keeping 112; this
    /// method does not enforce it (the settings that choose P do).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitions"/> is outside 1 to
    /// <see cref="SessionPartitioner.MaxPartitions"/>, or <paramref name="partition"/> outside <c>[0, partitions)</c>.</exception>
    /// <exception cref="InvalidOperationException">No id fell in the partition within <see cref="DrawsPerPartition"/> × P draws.</exception>
    public string NextFor(int partition, int partitions)
    {
        SessionPartitioner.CheckPartitions(partitions, nameof(partitions));
        if ((uint)partition >= (uint)partitions)
        {
            throw new ArgumentOutOfRangeException(nameof(partition), partition, $"A partition of {partitions} is 0 to {partitions - 1}.");
        }

        if (partitions == 1)
        {
            return Next();
        }

        Span<char> chars = stackalloc char[_length];
        for (long draws = (long)DrawsPerPartition * partitions; draws > 0; draws--)
        {
            Draw(chars);
            if (SessionPartitioner.PartitionOf(chars, partitions) == partition)
            {
                var id = new string(chars);
                chars.Clear();
                return id;
            }
        }

        chars.Clear();
        throw new InvalidOperationException(
            $"No session id of partition {partition} of {partitions} in {(long)DrawsPerPartition * partitions} draws; the random source or the hash is broken.");
    }

    private void Draw(Span<char> chars)
    {
        Refill();
        Map(_buffer.AsSpan(_position, _length), chars);
        Spend();
    }

    private void Refill()
    {
        if (_position + _length > _buffer.Length)
        {
            RandomNumberGenerator.Fill(_buffer);
            _position = 0;
        }
    }

    private static void Map(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[bytes[i] & 63];
        }
    }

    private void Spend()
    {
        // Spent randomness is wiped so a heap dump cannot show which ids were handed out.
        Array.Clear(_buffer, _position, _length);
        _position += _length;
        Draws++;
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
