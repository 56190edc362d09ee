namespace ActorSessions.Tests.Container;

public sealed class SessionIdGeneratorSpec
{
    [Fact]
    public void Every_id_drawn_for_a_partition_belongs_to_it()
    {
        var random = new Random(1201);
        var generator = new SessionIdGenerator(20);
        for (var round = 0; round < 500; round++)
        {
            var partitions = random.Next(2, 257);
            var partition = random.Next(partitions);

            var id = generator.NextFor(partition, partitions);

            Assert.Equal(partition, SessionPartitioner.PartitionOf(id, partitions));
        }
    }

    [Theory]
    [InlineData(SessionSettings.MinSessionIdLength)]
    [InlineData(20)]
    [InlineData(64)]
    [InlineData(SessionSettings.MaxSessionIdLength)]
    public void Ids_drawn_for_a_partition_are_well_formed_and_of_the_configured_length(int length)
    {
        var generator = new SessionIdGenerator(length);
        for (var partition = 0; partition < 30; partition++)
        {
            var id = generator.NextFor(partition, 30);

            Assert.Equal(length, id.Length);
            Assert.True(SessionIdGenerator.IsWellFormed(id), id);
        }
    }

    [Fact]
    public void Ids_drawn_for_a_partition_are_distinct()
    {
        var generator = new SessionIdGenerator(20);

        var ids = Enumerable.Range(0, 10_000).Select(i => generator.NextFor(i % 8, 8)).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void One_partition_draws_exactly_one_id_per_id()
    {
        var generator = new SessionIdGenerator(20);

        for (var i = 0; i < 1000; i++)
        {
            generator.NextFor(0, 1);
        }

        Assert.Equal(1000, generator.Draws);
    }

    [Fact]
    public void Drawing_for_one_of_30_partitions_takes_about_30_draws()
    {
        var generator = new SessionIdGenerator(20);

        for (var i = 0; i < 3000; i++)
        {
            generator.NextFor(i % 30, 30);
        }

        // Geometric with mean 30: the mean of 3,000 has a standard deviation of about 0.54 draws.
        Assert.InRange(generator.Draws / 3000.0, 27, 33);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, SessionPartitioner.MaxPartitions + 1)]
    public void Partitions_out_of_range_are_refused(int partition, int partitions) =>
        Assert.Throws<ArgumentOutOfRangeException>("partitions", () => new SessionIdGenerator(20).NextFor(partition, partitions));

    [Theory]
    [InlineData(-1, 8)]
    [InlineData(8, 8)]
    [InlineData(1, 1)]
    public void A_partition_outside_the_partitions_is_refused(int partition, int partitions) =>
        Assert.Throws<ArgumentOutOfRangeException>("partition", () => new SessionIdGenerator(20).NextFor(partition, partitions));
}
