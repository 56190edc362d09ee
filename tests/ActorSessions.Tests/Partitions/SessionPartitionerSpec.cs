namespace ActorSessions.Tests.Partitions;

public sealed class SessionPartitionerSpec
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    // Computed once (by an independent implementation of the documented function) and written down: rows
    // in a store and ids in cookies carry these partitions, so the function may never change.
    [Theory]
    [InlineData("", 1, 0)]
    [InlineData("", 30, 28)]
    [InlineData("a", 2, 1)]
    [InlineData("abc", 7, 3)]
    [InlineData("AAAAAAAAAAAAAAAAAAAA", 30, 26)]
    [InlineData("Zx9-_qLmN0pQrStUvWxY", 30, 17)]
    [InlineData("Zx9-_qLmN0pQrStUvWxY", 256, 152)]
    [InlineData("Zx9-_qLmN0pQrStUvWxY", 65536, 39113)]
    [InlineData("0123456789abcdefghij", 8, 6)]
    [InlineData("session-id", 3, 0)]
    [InlineData("ünïcødé-ключ-鍵", 30, 8)]
    [InlineData("kY3fT8bQ2wZp_Lr5Nc1H", 4, 2)]
    [InlineData("kY3fT8bQ2wZp_Lr5Nc1H", 1000, 564)]
    public void Partition_of_an_id_is_fixed_forever(string id, int partitions, int expected) =>
        Assert.Equal(expected, SessionPartitioner.PartitionOf(id, partitions));

    [Theory]
    [InlineData("", 0xefd01f60ba992926UL)]
    [InlineData("Zx9-_qLmN0pQrStUvWxY", 0x98c9b093538d808fUL)]
    public void Hash_is_fnv1a_over_utf16_then_fmix64(string id, ulong expected) =>
        Assert.Equal(expected, SessionPartitioner.Hash(id));

    [Fact]
    public void A_string_that_is_not_valid_utf16_hashes_by_its_code_units()
    {
        // In code, not in an attribute: attribute strings are stored as UTF-8, which cannot hold a lone surrogate.
        const string loneSurrogate = "\ud800lone";

        Assert.Equal(0x933b7df5c1ee304fUL, SessionPartitioner.Hash(loneSurrogate));
        Assert.Equal(17, SessionPartitioner.PartitionOf(loneSurrogate, 30));
    }

    [Fact]
    public void Random_ids_spread_evenly_over_30_partitions()
    {
        var random = new Random(20261201);
        var ids = Enumerable.Range(0, 100_000).Select(_ => RandomId(random, 20));

        AssertEven(ids, 30);
    }

    [Fact]
    public void Ids_that_differ_in_one_character_spread_evenly_too()
    {
        var ids = Enumerable.Range(0, 100_000).Select(static i => $"user-{i:D8}");

        AssertEven(ids, 30);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(SessionPartitioner.MaxPartitions + 1)]
    public void Partitions_out_of_range_are_refused(int partitions) =>
        Assert.Throws<ArgumentOutOfRangeException>("partitions", () => SessionPartitioner.PartitionOf("abc", partitions));

    [Fact]
    public void A_null_id_is_refused() =>
        Assert.Throws<ArgumentNullException>("sessionId", () => SessionPartitioner.PartitionOf(null!, 30));

    [Theory]
    [InlineData(SessionSettings.MinSessionIdLength, 1)]
    [InlineData(18, 1)]
    [InlineData(19, 4)]
    [InlineData(20, 256)]
    [InlineData(21, 16_384)]
    [InlineData(22, SessionPartitioner.MaxPartitions)]
    [InlineData(SessionSettings.MaxSessionIdLength, SessionPartitioner.MaxPartitions)]
    public void Max_partitions_for_a_length_keeps_112_bits(int length, int expected) =>
        Assert.Equal(expected, SessionPartitioner.MaxPartitionsFor(length));

    [Fact]
    public void Every_length_keeps_112_bits_at_its_max_partitions_or_is_not_partitioned()
    {
        for (var length = SessionSettings.MinSessionIdLength; length <= SessionSettings.MaxSessionIdLength; length++)
        {
            var max = SessionPartitioner.MaxPartitionsFor(length);
            var bitsLeft = (6 * length) - Math.Log2(max);
            Assert.True(max == 1 || bitsLeft >= SessionPartitioner.MinPartitionedIdBits, $"length {length}: {bitsLeft} bits at P = {max}");
        }
    }

    [Theory]
    [InlineData(SessionSettings.MinSessionIdLength - 1)]
    [InlineData(SessionSettings.MaxSessionIdLength + 1)]
    public void Max_partitions_for_a_length_out_of_range_is_refused(int length) =>
        Assert.Throws<ArgumentOutOfRangeException>("sessionIdLength", () => SessionPartitioner.MaxPartitionsFor(length));

    private static void AssertEven(IEnumerable<string> ids, int partitions)
    {
        var counts = new int[partitions];
        var total = 0;
        foreach (var id in ids)
        {
            counts[SessionPartitioner.PartitionOf(id, partitions)]++;
            total++;
        }

        // Each count is binomial: about 57 either side of the mean of 3,333 at one standard deviation, so
        // within 10 % (almost 6 of them) for every partition, and a chi-square under the 0.1 % critical
        // value for 29 degrees of freedom (58.3). The ids are fixed, so this passes or fails for good.
        var mean = (double)total / partitions;
        Assert.All(counts, count => Assert.InRange(count, mean * 0.9, mean * 1.1));
        var chiSquare = counts.Sum(count => (count - mean) * (count - mean) / mean);
        Assert.True(chiSquare < 58.3, $"chi-square {chiSquare:F1} over {partitions} partitions: {string.Join(", ", counts)}");
    }

    private static string RandomId(Random random, int length) =>
        string.Create(length, random, static (chars, r) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[r.Next(64)];
            }
        });
}
