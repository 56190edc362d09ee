using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;

namespace ActorSessions.Benchmarks.Micro;

/// <summary>
/// What handing a session out costs. The container answers with an immutable snapshot that shares the
/// data map, so a reply costs the same at one key or at twenty; a mutable design must copy the map to
/// hand out something the caller cannot change under it.
/// </summary>
[MemoryDiagnoser]
public class SnapshotBenchmarks
{
    private SessionData _data = SessionData.Empty;
    private Dictionary<string, byte[]> _mutable = [];
    private Session _session = null!;

    [Params(1, 20)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = SessionData.CreateRange(Enumerable.Range(0, Keys).Select(i => KeyValuePair.Create($"key-{i}", ImmutableArray.Create(new byte[32]))));
        _mutable = _data.ToDictionary(p => p.Key, p => p.Value.ToArray());
        _session = new Session("AAAAAAAAAAAAAAAAAAAA", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 3, _data);
    }

    /// <summary>The container's reply: a new record over the shared, immutable map.</summary>
    [Benchmark(Baseline = true)]
    public Session ImmutableSnapshot() =>
        new("AAAAAAAAAAAAAAAAAAAA", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 3, _data);

    /// <summary>A caller's write: copy-on-write of one key.</summary>
    [Benchmark]
    public Session SetOneKey() => _session.SetString("key-0", "changed");

    /// <summary>A mutable design's safe hand-out: a deep copy of the dictionary.</summary>
    [Benchmark]
    public Dictionary<string, byte[]> DeepCopyOfMutableMap()
    {
        var copy = new Dictionary<string, byte[]>(_mutable.Count, StringComparer.Ordinal);
        foreach (var (key, value) in _mutable)
        {
            copy[key] = (byte[])value.Clone();
        }

        return copy;
    }
}
