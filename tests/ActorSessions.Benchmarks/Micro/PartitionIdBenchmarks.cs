using BenchmarkDotNet.Attributes;

namespace ActorSessions.Benchmarks.Micro;

/// <summary>
/// What strict open costs across partitions: an id drawn until it belongs to the partition that issues
/// it takes P draws on average, each a 20-character draw and a hash; only the kept one becomes a string.
/// </summary>
[MemoryDiagnoser]
public class PartitionIdBenchmarks
{
    private readonly SessionIdGenerator _generator = new(20);
    private int _partition;

    /// <summary>Partitions: 1 is today's single container (one draw, no hash).</summary>
    [Params(1, 8, 30)]
    public int Partitions { get; set; }

    /// <summary>A fresh id for the next partition in turn.</summary>
    [Benchmark]
    public string IdForPartition()
    {
        _partition = (_partition + 1) % Partitions;
        return _generator.NextFor(_partition, Partitions);
    }

    /// <summary>The hash alone, for one 20-character id.</summary>
    [Benchmark]
    public int PartitionOf() => SessionPartitioner.PartitionOf("kY3fT8bQ2wZp_Lr5Nc1H", Partitions);
}
