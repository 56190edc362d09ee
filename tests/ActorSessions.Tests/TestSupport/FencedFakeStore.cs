using System.Collections.Concurrent;
using ActorSessions.Storage;

namespace ActorSessions.Tests.TestSupport;

/// <summary>A <see cref="FakeSessionStore"/> that fences: an epoch per partition, as the real stores keep in a table.</summary>
public sealed class FencedFakeStore(FakeSessionStore rows) : IFencedSessionStore
{
    private readonly ConcurrentDictionary<int, long> _epochs = new();
    private readonly object _gate = new();

    public FakeSessionStore Rows { get; } = rows;

    public bool AcceptsItemChanges => Rows.AcceptsItemChanges;

    private int _refused;

    public long EpochOf(int partition) => _epochs.GetValueOrDefault(partition);

    /// <summary>Commits refused because their epoch was stale: each is a second writer of a partition caught at it.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public Task<long> TakePartitionAsync(int partition, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_epochs.AddOrUpdate(partition, 1, (_, e) => e + 1));
        }
    }

    public async Task CommitAsync(int partition, long epoch, IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken)
    {
        var current = EpochOf(partition);
        if (current != epoch)
        {
            Interlocked.Increment(ref _refused);
            throw new SessionStoreFencedException(partition, epoch, current);
        }

        await Rows.CommitAsync(writes, cancellationToken);
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => Rows.InitializeAsync(cancellationToken);

    public Task CommitAsync(IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken) => Rows.CommitAsync(writes, cancellationToken);

    public IAsyncEnumerable<SessionRecord> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken) => Rows.LoadAsync(now, cancellationToken);

    public Task<int> DeleteExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) => Rows.DeleteExpiredAsync(before, limit, cancellationToken);
}
