using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;

namespace ActorSessions.Benchmarks.Micro;

/// <summary>
/// A session's data map: <see cref="SessionData"/> (one sorted array, copied on write) against the
/// <see cref="ImmutableDictionary{TKey, TValue}"/> it replaced, for what a web request does with it —
/// read a key, write a key — at the few keys a web session holds and at more.
/// </summary>
[MemoryDiagnoser]
public class DataMapBenchmarks
{
    private static readonly ImmutableArray<byte> Value = [.. new byte[12]];

    // A different array from the stored one: ImmutableDictionary returns itself when the value is the same.
    private static readonly ImmutableArray<byte> NewValue = [.. new byte[12]];

    private SessionData _data;
    private ImmutableDictionary<string, ImmutableArray<byte>> _dictionary = ImmutableDictionary<string, ImmutableArray<byte>>.Empty;
    private string _readKey = string.Empty;
    private string _writeKey = string.Empty;

    [Params(2, 8, 32)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var entries = Enumerable.Range(0, Keys).Select(i => KeyValuePair.Create($"key-{i}", Value)).ToArray();
        _data = SessionData.CreateRange(entries);
        _dictionary = ImmutableDictionary.CreateRange(StringComparer.Ordinal, entries);

        // Keys built at run time, as a request's keys are, so a lookup compares characters, not references.
        _readKey = string.Concat("key-", (Keys / 2).ToString());
        _writeKey = string.Concat("key-", (Keys - 1).ToString());
    }

    [Benchmark(Baseline = true)]
    public bool ImmutableDictionaryRead() => _dictionary.TryGetValue(_readKey, out _);

    [Benchmark]
    public bool SessionDataRead() => _data.TryGetValue(_readKey, out _);

    [Benchmark]
    public ImmutableDictionary<string, ImmutableArray<byte>> ImmutableDictionaryWrite() => _dictionary.SetItem(_writeKey, NewValue);

    [Benchmark]
    public SessionData SessionDataWrite() => _data.SetItem(_writeKey, NewValue);
}
