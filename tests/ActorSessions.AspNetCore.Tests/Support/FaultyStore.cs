using ActorSessions.Storage;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ActorSessions.AspNetCore.Tests.Support;

/// <summary>An <see cref="ISessionStore"/> in memory that fails every call while <see cref="Fault"/> is set: an outage on demand.</summary>
internal sealed class FaultyStore : ISessionStore
{
    public ConcurrentDictionary<string, SessionRecord> Rows { get; } = new(StringComparer.Ordinal);

    public volatile Exception? Fault;

    public Task InitializeAsync(CancellationToken cancellationToken) => Fault is { } e ? Task.FromException(e) : Task.CompletedTask;

    public Task CommitAsync(IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken)
    {
        if (Fault is { } e)
        {
            return Task.FromException(e);
        }

        foreach (var write in writes)
        {
            if (write.Record is { } record)
            {
                Rows[record.Id] = record;
            }
            else
            {
                Rows.TryRemove(write.Id, out _);
            }
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<SessionRecord> LoadAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var row in Rows.Values)
        {
            yield return row;
        }
    }

    public Task<int> DeleteExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) => Task.FromResult(0);
}
