namespace ActorSessions;

/// <summary>
/// Which partition a session belongs to: a stable hash of its id reduced to <c>[0, P)</c>. Every process,
/// every node and every version of ActorSessions computes the same partition for the same id, because
/// rows in the store carry it and ids are drawn to fit it; the function is therefore fixed forever, and
/// golden-value specs pin it.
/// </summary>
/// <remarks>
/// <para>The function, exactly: FNV-1a 64-bit over the id's UTF-16 code units, each fed as two bytes, low
/// byte first (so any string hashes, lone surrogates included, with no encoding step that could fail or
/// vary); then MurmurHash3's 64-bit finalizer (<c>fmix64</c>), so that every character reaches every bit;
/// then the multiply-shift reduction <c>floor(h × P / 2^64)</c>. That reduction gives each partition either
/// <c>floor(2^64 / P)</c> or <c>ceil(2^64 / P)</c> of the hash values: a bias of at most <c>P / 2^64</c>
/// (under <c>2^-47</c> at <see cref="MaxPartitions"/>), far below anything measurable, and unlike a
/// modulo it uses the finalizer's best-mixed high bits. <see cref="string.GetHashCode()"/> is never used:
/// it is randomized per process.</para>
/// <para>Drawing an id for a partition (the container does, so strict open holds across partitions)
/// leaves <c>6 × length − log2(P)</c> bits of entropy; <see cref="MaxPartitionsFor"/> says how many
/// partitions an id length affords while keeping <see cref="MinPartitionedIdBits"/>.</para>
/// </remarks>
public static class SessionPartitioner
{
    /// <summary>The most partitions any configuration may have.</summary>
    public const int MaxPartitions = 65_536;

    /// <summary>
    /// The entropy a drawn id keeps at the least: 112 bits, as the scale-out design asks (OWASP asks for 64;
    /// the default 20-character id carries 120).
    /// </summary>
    public const int MinPartitionedIdBits = 112;

    private const ulong FnvOffsetBasis = 14_695_981_039_346_656_037UL;
    private const ulong FnvPrime = 1_099_511_628_211UL;

    /// <summary>The partition of <paramref name="sessionId"/> among <paramref name="partitions"/>.</summary>
    /// <param name="sessionId">Any string: an issued id, or whatever a client presented.</param>
    /// <param name="partitions">How many partitions there are, 1 to <see cref="MaxPartitions"/>.</param>
    /// <returns>A partition in <c>[0, partitions)</c>; always 0 for one partition.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sessionId"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitions"/> is under 1 or over <see cref="MaxPartitions"/>.</exception>
    public static int PartitionOf(string sessionId, int partitions)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        CheckPartitions(partitions);
        return Reduce(Hash(sessionId), partitions);
    }

    /// <summary>
    /// The most partitions ids of <paramref name="sessionIdLength"/> characters afford while a drawn id keeps
    /// <see cref="MinPartitionedIdBits"/> bits: <c>2^(6 × length − 112)</c>, capped at <see cref="MaxPartitions"/>.
    /// 4 for 19 characters, 256 for the default 20, 16,384 for 21, the cap from 22. An id shorter than 19
    /// characters carries fewer than 112 bits to begin with, so it affords 1: partitioning would only lower it further.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sessionIdLength"/> is outside
    /// <see cref="SessionSettings.MinSessionIdLength"/> to <see cref="SessionSettings.MaxSessionIdLength"/>.</exception>
    public static int MaxPartitionsFor(int sessionIdLength)
    {
        if (sessionIdLength is < SessionSettings.MinSessionIdLength or > SessionSettings.MaxSessionIdLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sessionIdLength),
                sessionIdLength,
                $"A session id has {SessionSettings.MinSessionIdLength} to {SessionSettings.MaxSessionIdLength} characters.");
        }

        var spare = (sessionIdLength * SessionSettings.BitsPerIdCharacter) - MinPartitionedIdBits;
        return spare switch
        {
            <= 0 => 1,
            >= 16 => MaxPartitions,
            _ => 1 << spare,
        };
    }

    /// <summary>Throws unless <paramref name="partitions"/> is 1 to <see cref="MaxPartitions"/>.</summary>
    internal static void CheckPartitions(int partitions, string parameter = "partitions")
    {
        if (partitions is < 1 or > MaxPartitions)
        {
            throw new ArgumentOutOfRangeException(parameter, partitions, $"The number of partitions must be 1 to {MaxPartitions}.");
        }
    }

    /// <summary>The partition of an id still in a buffer; <paramref name="partitions"/> already checked.</summary>
    internal static int PartitionOf(ReadOnlySpan<char> sessionId, int partitions) => Reduce(Hash(sessionId), partitions);

    /// <summary>FNV-1a 64 over the UTF-16 code units (low byte, then high byte), then <c>fmix64</c>.</summary>
    internal static ulong Hash(ReadOnlySpan<char> id)
    {
        var h = FnvOffsetBasis;
        foreach (var c in id)
        {
            h = (h ^ (byte)c) * FnvPrime;
            h = (h ^ (byte)(c >> 8)) * FnvPrime;
        }

        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }

    private static int Reduce(ulong hash, int partitions) => (int)Math.BigMul(hash, (ulong)partitions, out _);
}
