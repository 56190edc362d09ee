using ActorSessions.Storage;
using static ActorSessions.Storage.Tests.TestSupport.Rows;

namespace ActorSessions.Storage.Tests.TestSupport;

/// <summary>
/// What every <see cref="IFencedSessionStore"/> must do by partition: rows carry their partition key, so a
/// partition reads and cleans only its own rows, whatever the partition count, and a stale copy cleans nothing.
/// </summary>
public abstract partial class SessionStoreContract
{
    /// <summary>
    /// A store (not yet initialized) over a fresh database in schema version 2, as the release before
    /// partition keys wrote it, holding <paramref name="rows"/>; with the partitions table of fencing, in
    /// which partition 0 has epoch 4, when <paramref name="withPartitionsTable"/>.
    /// </summary>
    protected abstract Task<ISessionStore> OpenVersion2Store(IReadOnlyList<SessionRecord> rows, bool withPartitionsTable);

    private async Task<List<SessionRecord>> LoadPartition(IFencedSessionStore store, int partition, int partitions, DateTimeOffset? now = null)
    {
        var rows = new List<SessionRecord>();
        await foreach (var row in store.LoadAsync(partition, partitions, now ?? Now, CancellationToken.None))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static Task<int> Clean(IFencedSessionStore store, int partition, int partitions, long epoch, int limit = 10) =>
        store.DeleteExpiredAsync(partition, partitions, epoch, Now, limit, CancellationToken.None);

    private static SessionRecord Keyed(int i) => Whole(Id(i), [.. Enumerable.Range(0, i % 3).Select(k => ($"k{k}", $"{i}/{k}"))]);

    private static SessionRecord Expired(SessionRecord row) => row with { ExpiresAt = Now - TimeSpan.FromMinutes(5) };

    /// <summary>Each partition's rows, loaded, exactly those whose ids hash to it, with their own keys.</summary>
    private async Task AssertEachPartitionLoadsItsOwn(IFencedSessionStore store, int partitions, IReadOnlyCollection<SessionRecord> live)
    {
        var seen = new List<string>();
        for (var p = 0; p < partitions; p++)
        {
            foreach (var row in await LoadPartition(store, p, partitions))
            {
                Assert.Equal(p, SessionPartitioner.PartitionOf(row.Id, partitions));
                Assert.Equal(Items(live.Single(r => r.Id == row.Id)), Items(row));
                seen.Add(row.Id);
            }
        }

        Assert.Equal(live.Select(r => r.Id).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Each_partition_loads_exactly_its_own_live_rows_with_their_keys_for_any_partition_count()
    {
        var live = Enumerable.Range(0, 120).Select(Keyed).ToList();
        await Store.CommitAsync([.. live.Select(SessionWrite.Upsert), .. Enumerable.Range(500, 20).Select(i => SessionWrite.Upsert(Expired(Keyed(i))))], CancellationToken.None);

        foreach (var partitions in new[] { 1, 2, 3, 4, 7 })
        {
            await AssertEachPartitionLoadsItsOwn(Fenced, partitions, live);
        }
    }

    [Fact]
    public async Task Rows_committed_by_the_partitions_of_one_count_are_found_by_the_partitions_they_hash_to_under_another()
    {
        // Written as two partitions write them, each under its epoch; then read as three, four and one.
        var live = Enumerable.Range(0, 90).Select(Keyed).ToList();
        foreach (var group in live.GroupBy(r => SessionPartitioner.PartitionOf(r.Id, 2)))
        {
            var epoch = await Fenced.TakePartitionAsync(group.Key, CancellationToken.None);
            await Fenced.CommitAsync(group.Key, epoch, [.. group.Select(SessionWrite.Upsert)], CancellationToken.None);
        }

        await AssertEachPartitionLoadsItsOwn(Fenced, 3, live);
        await AssertEachPartitionLoadsItsOwn(Fenced, 4, live);
        await AssertEachPartitionLoadsItsOwn(Fenced, 1, live);
        Assert.Equal(90, (await Load()).Count);
    }

    [Fact]
    public async Task A_fenced_cleanup_deletes_only_its_partitions_expired_rows_and_their_keys_in_bounded_batches()
    {
        var expired = Enumerable.Range(0, 40).Select(i => Expired(Keyed(i))).ToList();
        var live = Enumerable.Range(100, 10).Select(Keyed).ToList();
        await Store.CommitAsync([.. expired.Concat(live).Select(SessionWrite.Upsert)], CancellationToken.None);
        var mine = expired.Where(r => SessionPartitioner.PartitionOf(r.Id, 2) == 0).ToList();
        var epoch = await Fenced.TakePartitionAsync(0, CancellationToken.None);

        var batches = new List<int>();
        int deleted;
        do
        {
            batches.Add(deleted = await Clean(Fenced, 0, 2, epoch, limit: 5));
        }
        while (deleted == 5);

        Assert.Equal(mine.Count, batches.Sum());
        Assert.All(batches, b => Assert.InRange(b, 0, 5));
        var left = (await Load(Now - TimeSpan.FromDays(1))).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(left, id => mine.Any(r => r.Id == id));
        Assert.Equal(expired.Count - mine.Count + live.Count, left.Count);

        // The keys went with their sessions: a session written again under a deleted id has none.
        var again = mine.First(r => r.Id != Id(0) && Items(r).Count > 0);
        await Commit(SessionWrite.Upsert(Whole(again.Id)));
        Assert.Empty(Items((await Load()).Single(r => r.Id == again.Id)));
    }

    [Fact]
    public async Task A_cleanup_under_an_older_epoch_is_refused_and_deletes_nothing()
    {
        await Store.CommitAsync([.. Enumerable.Range(0, 20).Select(i => SessionWrite.Upsert(Expired(Keyed(i))))], CancellationToken.None);
        var old = await Fenced.TakePartitionAsync(0, CancellationToken.None);
        var current = await Fenced.TakePartitionAsync(0, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<SessionStoreFencedException>(() => Clean(Fenced, 0, 1, old));

        Assert.Equal((0, old, current), (refused.Partition, refused.HeldEpoch, refused.CurrentEpoch));
        Assert.Equal(20, (await Load(Now - TimeSpan.FromDays(1))).Count);
        Assert.Equal(20, await Clean(Fenced, 0, 1, current, limit: 100));
    }

    [Fact]
    public async Task A_cleanup_of_a_partition_never_taken_is_refused()
    {
        await Commit(SessionWrite.Upsert(Expired(Keyed(1))));

        var refused = await Assert.ThrowsAsync<SessionStoreFencedException>(() => Clean(Fenced, 3, 4, 1));

        Assert.Equal(0, refused.CurrentEpoch);
        Assert.Single(await Load(Now - TimeSpan.FromDays(1)));
    }

    [Fact]
    public async Task A_second_store_taking_the_partition_fences_the_cleanup_of_the_first()
    {
        await Store.CommitAsync([.. Enumerable.Range(0, 10).Select(i => SessionWrite.Upsert(Expired(Keyed(i))))], CancellationToken.None);
        var first = await Fenced.TakePartitionAsync(0, CancellationToken.None);
        var other = await OpenSecondStore();
        try
        {
            var second = await other.TakePartitionAsync(0, CancellationToken.None);

            var refused = await Assert.ThrowsAsync<SessionStoreFencedException>(() => Clean(Fenced, 0, 1, first));

            Assert.Equal(second, refused.CurrentEpoch);
            Assert.Equal(10, (await Load(Now - TimeSpan.FromDays(1))).Count);
            Assert.Equal(10, await Clean(other, 0, 1, second, limit: 100));
        }
        finally
        {
            await Close(other);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_version_2_database_is_upgraded_in_place_each_session_found_by_its_partition_and_the_epochs_kept(bool withPartitionsTable)
    {
        var live = Enumerable.Range(0, 60).Select(Keyed).ToList();
        var expired = Expired(Keyed(99));
        var old = (IFencedSessionStore)await OpenVersion2Store([.. live, expired], withPartitionsTable);
        try
        {
            await old.InitializeAsync(CancellationToken.None);
            await old.InitializeAsync(CancellationToken.None);

            await AssertEachPartitionLoadsItsOwn(old, 4, live);

            // The epochs of fencing survive the upgrade: a writer fenced before it stays fenced after.
            var epoch = await old.TakePartitionAsync(0, 1, CancellationToken.None);
            Assert.Equal(withPartitionsTable ? 5 : 1, epoch);

            // Commits and cleanup work on the upgraded rows, by their partition keys.
            var changed = live[1];
            await old.CommitAsync(0, epoch, [SessionWrite.Change(changed.Id, changed.CreatedAt, Now, 2, Now + TimeSpan.FromMinutes(30), new(SessionData.Empty.SetItem("new", [1]), ["k0"]))], CancellationToken.None);
            Assert.Equal(1, await old.DeleteExpiredAsync(0, 1, epoch, Now, 10, CancellationToken.None));
            var loaded = new List<SessionRecord>();
            await foreach (var row in old.LoadAsync(Now - TimeSpan.FromDays(1), CancellationToken.None))
            {
                loaded.Add(row);
            }

            Assert.Equal(live.Count, loaded.Count);
            Assert.Equal(["new"], Items(loaded.Single(r => r.Id == changed.Id)).Keys);
        }
        finally
        {
            if (old is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }
}
