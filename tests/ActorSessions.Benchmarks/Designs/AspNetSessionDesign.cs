using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ActorSessions.Benchmarks.Designs;

/// <summary>
/// ASP.NET Core's own session, as its middleware drives it: <see cref="DistributedSessionStore"/>
/// creates a <see cref="DistributedSession"/> per request over <see cref="MemoryDistributedCache"/>;
/// the request loads it, reads and writes, and commits it (a commit without changes refreshes the
/// sliding expiry, as the middleware's does).
/// </summary>
internal sealed class AspNetSessionDesign : ISessionDesign
{
    private static readonly TimeSpan IdleTimeout = SessionSettings.Default.IdleTimeout;
    private static readonly TimeSpan IoTimeout = TimeSpan.FromMinutes(1);
    private static readonly Func<bool> Established = () => true;

    private readonly DistributedSessionStore _store;

    public AspNetSessionDesign()
    {
        Cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        _store = new DistributedSessionStore(Cache, NullLoggerFactory.Instance);
    }

    public MemoryDistributedCache Cache { get; }

    public string Name => "ASP.NET Core session (DistributedSession + MemoryDistributedCache)";

    public async Task<string[]> PopulateAsync(int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = await CreateAsync(Workload.UserValue(i));
        }

        return ids;
    }

    public async ValueTask OpenAsync(string id)
    {
        var session = _store.Create(id, IdleTimeout, IoTimeout, Established, isNewSessionKey: false);
        await session.LoadAsync();
        await session.CommitAsync();
    }

    public async ValueTask WebRequestAsync(string id, byte[] value)
    {
        var session = _store.Create(id, IdleTimeout, IoTimeout, Established, isNewSessionKey: false);
        await session.LoadAsync();
        _ = session.GetString(Workload.UserKey);
        session.Set(Workload.WriteKey, value);
        await session.CommitAsync();
    }

    /// <summary>ASP.NET Core stores no empty session, so a new one gets the key <c>user</c>: the least that makes it exist.</summary>
    public async ValueTask NewSessionAsync() => await CreateAsync(Workload.UserValue(0));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>A new session key made as <c>SessionMiddleware</c> makes it: 16 CSPRNG bytes as a GUID string.</summary>
    public async Task<string> CreateAsync(byte[] user)
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        var key = new Guid(bytes).ToString();
        var session = _store.Create(key, IdleTimeout, IoTimeout, Established, isNewSessionKey: true);
        await session.LoadAsync();
        session.Set(Workload.UserKey, user);
        await session.CommitAsync();
        return key;
    }
}
