using ActorSessions.Storage;

namespace ActorSessions.Tests.Storage;

/// <summary>The partition key stores keep with each row: every partition of every count is one range of keys.</summary>
public sealed class SessionPartitionKeySpec
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(30)]
    [InlineData(256)]
    [InlineData(SessionPartitioner.MaxPartitions)]
    public void The_ranges_of_one_count_tile_every_key_in_partition_order(int partitions)
    {
        var previousLast = (long?)null;
        for (var p = 0; p < partitions; p++)
        {
            var (first, last) = SessionPartitionKey.RangeOf(p, partitions);
            Assert.True(first <= last);
            Assert.Equal(previousLast is { } l ? l + 1 : long.MinValue, first);
            previousLast = last;
        }

        Assert.Equal(long.MaxValue, previousLast);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(30)]
    [InlineData(1000)]
    public void A_session_is_in_a_partition_exactly_when_its_key_is_in_the_partitions_range(int partitions)
    {
        var random = new Random(20261201);
        var generator = new SessionIdGenerator(20);
        for (var i = 0; i < 5000; i++)
        {
            var id = i % 2 == 0 ? generator.Next() : new string((char)random.Next(1, 0xD7FF), random.Next(0, 30));
            var key = SessionPartitionKey.Of(id);
            var partition = SessionPartitioner.PartitionOf(id, partitions);
            var (first, last) = SessionPartitionKey.RangeOf(partition, partitions);

            Assert.InRange(key, first, last);
        }
    }

    [Fact]
    public void The_key_is_the_partitioners_hash_with_its_top_bit_flipped_fixed_forever()
    {
        // Rows in stores carry it: pinned, as the hash is.
        Assert.Equal(unchecked((long)(0x98c9b093538d808fUL ^ 0x8000_0000_0000_0000UL)), SessionPartitionKey.Of("Zx9-_qLmN0pQrStUvWxY"));
        Assert.Equal(0x6fd01f60ba992926L, SessionPartitionKey.Of(string.Empty));
    }

    [Fact]
    public void The_edges_of_a_range_fall_in_their_own_partition()
    {
        foreach (var partitions in new[] { 2, 3, 7, 30 })
        {
            for (var p = 0; p < partitions; p++)
            {
                var (first, last) = SessionPartitionKey.RangeOf(p, partitions);
                Assert.Equal(p, PartitionOfKey(first, partitions));
                Assert.Equal(p, PartitionOfKey(last, partitions));
            }
        }
    }

    [Theory]
    [InlineData(-1, 2)]
    [InlineData(2, 2)]
    [InlineData(0, 0)]
    [InlineData(0, SessionPartitioner.MaxPartitions + 1)]
    public void A_partition_out_of_range_is_refused(int partition, int partitions) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionPartitionKey.RangeOf(partition, partitions));

    // The partitioner's reduction, applied to a key: floor(hash × P / 2^64).
    private static int PartitionOfKey(long key, int partitions) =>
        (int)Math.BigMul((ulong)key ^ 0x8000_0000_0000_0000UL, (ulong)partitions, out _);
}
