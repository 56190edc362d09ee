using ActorSessions.Storage;
namespace ActorSessions.Benchmarks.Durable;

/// <summary>
/// The baseline: the same store, but every write is its own transaction (and its own sync to disk), as a
/// container without group commit would do. Replies still wait for their write's commit.
/// </summary>
internal sealed class OneCommitPerWriteStore(ISessionStore inner) : ISessionStore
{
    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public async Task CommitAsync(IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken)
    {
        foreach (var write in writes)
        {
            await inner.CommitAsync([write], cancellationToken).ConfigureAwait(false);
        }
    }

    public IAsyncEnumerable<SessionRecord> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.LoadAsync(now, cancellationToken);

    public Task<int> DeleteExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        inner.DeleteExpiredAsync(before, limit, cancellationToken);
}
