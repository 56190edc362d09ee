using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace ActorSessions.Benchmarks.Designs;

/// <summary>
/// A reference point, not a contender: immutable sessions in a <see cref="ConcurrentDictionary{TKey, TValue}"/>
/// with no lock, no expiry index, no events and no size limit. It shows what the hash lookups alone cost.
/// </summary>
internal sealed class ConcurrentDictionaryDesign(TimeProvider time) : ISessionDesign
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly ThreadLocal<SessionIdGenerator> _ids = new(() => new SessionIdGenerator(20));

    public string Name => "reference: ConcurrentDictionary, no lock";

    public Task<string[]> PopulateAsync(int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            var id = _ids.Value!.Next();
            var now = time.GetUtcNow();
            _sessions[id] = new Session(id, now, now, 0, SessionData.Empty.SetItem(Workload.UserKey, [.. Workload.UserValue(i)]));
            ids[i] = id;
        }

        return Task.FromResult(ids);
    }

    public ValueTask OpenAsync(string id)
    {
        Open(id);
        return ValueTask.CompletedTask;
    }

    public ValueTask WebRequestAsync(string id, byte[] value)
    {
        var session = Open(id);
        _ = session.GetString(Workload.UserKey);
        var changed = session.Set(Workload.WriteKey, value);
        _sessions[id] = changed with { Version = changed.Version + 1, LastModified = time.GetUtcNow() };
        return ValueTask.CompletedTask;
    }

    public ValueTask NewSessionAsync()
    {
        var id = _ids.Value!.Next();
        var now = time.GetUtcNow();
        _sessions[id] = new Session(id, now, now, 0, SessionData.Empty);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _ids.Dispose();
        return ValueTask.CompletedTask;
    }

    private Session Open(string id)
    {
        // A touch is a new immutable snapshot swapped in, as the actor's table does in place.
        var session = _sessions[id];
        var touched = session with { LastModified = time.GetUtcNow() };
        _sessions[id] = touched;
        return touched;
    }
}
