using System.Collections.Concurrent;
using ActorSessions.Storage;

namespace ActorSessions.Tests.TestSupport;

/// <summary>
/// A <see cref="FakeSessionStore"/> that fences: an epoch per partition, as the real stores keep in a table,
/// and reads and cleans a partition's rows only, as the real stores do by their partition keys.
/// </summary>
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

    /// <summary>The takes with a partition count, as (partition, partitions).</summary>
    public ConcurrentQueue<(int Partition, int Partitions)> CountedTakes { get; } = new();

    public Task<long> TakePartitionAsync(int partition, int partitions, CancellationToken cancellationToken)
    {
        CountedTakes.Enqueue((partition, partitions));
        return TakePartitionAsync(partition, cancellationToken);
    }

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

    /// <summary>The partitions read by <see cref="LoadAsync(int, int, DateTimeOffset, CancellationToken)"/>, as (partition, partitions).</summary>
    public ConcurrentQueue<(int Partition, int Partitions)> PartitionLoads { get; } = new();

    /// <summary>The fenced cleanups asked for, as (partition, partitions, epoch), refused or not.</summary>
    public ConcurrentQueue<(int Partition, int Partitions, long Epoch)> FencedCleanups { get; } = new();

    /// <summary>How many times the un-fenced <see cref="DeleteExpiredAsync(DateTimeOffset, int, CancellationToken)"/> was called.</summary>
    public int UnfencedCleanups => _unfencedCleanups;

    private int _unfencedCleanups;

    public IAsyncEnumerable<SessionRecord> LoadAsync(int partition, int partitions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        PartitionLoads.Enqueue((partition, partitions));
        return Rows.LoadAsync(now, cancellationToken).Where(r => SessionPartitioner.PartitionOf(r.Id, partitions) == partition);
    }

    public Task<int> DeleteExpiredAsync(int partition, int partitions, long epoch, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        FencedCleanups.Enqueue((partition, partitions, epoch));
        lock (_gate)
        {
            var current = EpochOf(partition);
            if (current != epoch)
            {
                return Task.FromException<int>(new SessionStoreFencedException(partition, epoch, current));
            }

            var expired = Rows.Rows.Values.Where(r => r.ExpiresAt < before && SessionPartitioner.PartitionOf(r.Id, partitions) == partition).Take(limit).ToList();
            foreach (var row in expired)
            {
                Rows.Rows.TryRemove(row.Id, out _);
            }

            return Task.FromResult(expired.Count);
        }
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => Rows.InitializeAsync(cancellationToken);

    public Task CommitAsync(IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken) => Rows.CommitAsync(writes, cancellationToken);

    public IAsyncEnumerable<SessionRecord> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken) => Rows.LoadAsync(now, cancellationToken);

    public Task<int> DeleteExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _unfencedCleanups);
        return Rows.DeleteExpiredAsync(before, limit, cancellationToken);
    }
}
