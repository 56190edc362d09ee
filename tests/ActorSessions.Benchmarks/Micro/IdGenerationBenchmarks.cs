using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace ActorSessions.Benchmarks.Micro;

/// <summary>What a session id costs: the container's buffered generator against one CSPRNG call per id.</summary>
[MemoryDiagnoser]
public class IdGenerationBenchmarks
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private readonly SessionIdGenerator _generator = new(20);

    /// <summary>ActorSessions: 20 characters from a buffer refilled every 64 ids.</summary>
    [Benchmark(Baseline = true)]
    public string ActorSessionsId() => _generator.Next();

    /// <summary>The same 20 characters with one CSPRNG call per id.</summary>
    [Benchmark]
    public string CsprngPerId() => RandomNumberGenerator.GetString(Alphabet, 20);

    /// <summary>ASP.NET Core's session key: 16 CSPRNG bytes formatted as a GUID.</summary>
    [Benchmark]
    public string AspNetSessionKey()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return new Guid(bytes).ToString();
    }
}
