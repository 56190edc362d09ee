using ActorSessions.Storage;
using static ActorSessions.Storage.Tests.TestSupport.Rows;

namespace ActorSessions.Storage.Tests.TestSupport;

/// <summary>What every <see cref="IFencedSessionStore"/> must do: one writer per partition, by its epoch.</summary>
public abstract partial class SessionStoreContract
{
    protected IFencedSessionStore Fenced => (IFencedSessionStore)Store;

    private static Task<long> Take(IFencedSessionStore store, int partition) => store.TakePartitionAsync(partition, CancellationToken.None);

    private static Task Commit(IFencedSessionStore store, int partition, long epoch, params SessionWrite[] writes) =>
        store.CommitAsync(partition, epoch, writes, CancellationToken.None);

    private async Task<IFencedSessionStore> OpenSecondStore()
    {
        var second = (IFencedSessionStore)OpenStore();
        await second.InitializeAsync(CancellationToken.None);
        return second;
    }

    private static async Task Close(IFencedSessionStore store)
    {
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task Taking_a_partition_raises_its_epoch_from_1_and_partitions_are_independent()
    {
        var epochs = new List<long>
        {
            await Take(Fenced, 0), await Take(Fenced, 0), await Take(Fenced, 1), await Take(Fenced, 0), await Take(Fenced, 1),
        };

        Assert.Equal([1, 2, 1, 3, 2], epochs);
    }

    [Fact]
    public async Task A_take_under_another_partition_count_fences_every_writer_of_the_other_count()
    {
        // Partition 0 of 1 holds every session, partition 1 of 2 half of them: while the count changes node
        // by node, the old count's writer must not go on writing the sessions the new count's writer holds.
        var whole = await Fenced.TakePartitionAsync(0, 1, CancellationToken.None);
        await Commit(Fenced, 0, whole, SessionWrite.Upsert(Row(Id(1), value: "whole")));
        var other = await OpenSecondStore();
        try
        {
            var half = await other.TakePartitionAsync(1, 2, CancellationToken.None);

            await Assert.ThrowsAsync<SessionStoreFencedException>(() => Commit(Fenced, 0, whole, SessionWrite.Upsert(Row(Id(1), version: 2, value: "stale"))));
            await Commit(other, 1, half, SessionWrite.Upsert(Row(Id(2), value: "half")));

            // And back: the old count taken again fences the new count's writers.
            var again = await Fenced.TakePartitionAsync(0, 1, CancellationToken.None);
            await Assert.ThrowsAsync<SessionStoreFencedException>(() => Commit(other, 1, half, SessionWrite.Upsert(Row(Id(2), version: 2, value: "stale"))));
            await Commit(Fenced, 0, again, SessionWrite.Upsert(Row(Id(3), value: "again")));

            Assert.Equal([(Id(1), "whole"), (Id(2), "half"), (Id(3), "again")], (await Load()).Select(r => (r.Id, Value(r))).Order());
        }
        finally
        {
            await Close(other);
        }
    }

    [Fact]
    public async Task Takes_under_one_partition_count_leave_the_other_partitions_writers_alone()
    {
        var zero = await Fenced.TakePartitionAsync(0, 2, CancellationToken.None);
        var one = await Fenced.TakePartitionAsync(1, 2, CancellationToken.None);
        var oneAgain = await Fenced.TakePartitionAsync(1, 2, CancellationToken.None);

        await Commit(Fenced, 0, zero, SessionWrite.Upsert(Row(Id(1))));
        await Assert.ThrowsAsync<SessionStoreFencedException>(() => Commit(Fenced, 1, one, SessionWrite.Upsert(Row(Id(2)))));
        await Commit(Fenced, 1, oneAgain, SessionWrite.Upsert(Row(Id(3))));

        Assert.Equal([1L, 1L, 2L], [zero, one, oneAgain]);
        Assert.Equal([Id(1), Id(3)], (await Load()).Select(r => r.Id).Order());
    }

    [Fact]
    public async Task A_partition_taken_without_a_count_is_taken_for_the_same_count_until_it_is_taken_with_one()
    {
        // A node of a version that kept no count, beside upgraded nodes: a rolling upgrade must not fence every
        // partition the nodes not yet upgraded hold.
        var uncounted = await Take(Fenced, 0);
        var counted = await Fenced.TakePartitionAsync(1, 2, CancellationToken.None);

        await Commit(Fenced, 0, uncounted, SessionWrite.Upsert(Row(Id(1))));
        await Commit(Fenced, 1, counted, SessionWrite.Upsert(Row(Id(2))));

        // Once taken with a count, the partition is fenced by a take under another.
        var zero = await Fenced.TakePartitionAsync(0, 2, CancellationToken.None);
        var one = await Fenced.TakePartitionAsync(1, 1, CancellationToken.None);
        await Assert.ThrowsAsync<SessionStoreFencedException>(() => Commit(Fenced, 0, zero, SessionWrite.Upsert(Row(Id(1), version: 2))));
        await Commit(Fenced, 1, one, SessionWrite.Upsert(Row(Id(3))));

        Assert.Equal([Id(1), Id(2), Id(3)], (await Load()).Select(r => r.Id).Order());
    }

    [Fact]
    public async Task A_commit_under_the_current_epoch_lands()
    {
        var epoch = await Take(Fenced, 3);

        await Commit(Fenced, 3, epoch, SessionWrite.Upsert(Row(Id(1))));
        await Commit(Fenced, 3, epoch, SessionWrite.Upsert(Row(Id(1), version: 2)), SessionWrite.Upsert(Row(Id(2))));

        Assert.Equal([(Id(1), 2L), (Id(2), 1L)], (await Load()).Select(r => (r.Id, r.Version)).Order());
    }

    [Fact]
    public async Task A_commit_under_an_older_epoch_is_refused_and_writes_nothing()
    {
        var old = await Take(Fenced, 0);
        await Commit(Fenced, 0, old, SessionWrite.Upsert(Row(Id(1))), SessionWrite.Upsert(Row(Id(2))));
        var current = await Take(Fenced, 0);

        var refused = await Assert.ThrowsAsync<SessionStoreFencedException>(() =>
            Commit(Fenced, 0, old, SessionWrite.Upsert(Row(Id(1), version: 2, value: "stale")), SessionWrite.Delete(Id(2)), SessionWrite.Upsert(Row(Id(3)))));

        Assert.Equal((0, old, current), (refused.Partition, refused.HeldEpoch, refused.CurrentEpoch));
        Assert.Equal([(Id(1), 1L, "v"), (Id(2), 1L, "v")], (await Load()).Select(r => (r.Id, r.Version, Value(r))).Order());
    }

    [Fact]
    public async Task A_refusal_names_the_partition_and_both_epochs_and_no_session()
    {
        await Take(Fenced, 7);
        await Take(Fenced, 7);

        var refused = await Assert.ThrowsAsync<SessionStoreFencedException>(() => Commit(Fenced, 7, 1, SessionWrite.Upsert(Row(Id(1)))));

        Assert.Contains("partition 7", refused.Message, StringComparison.Ordinal);
        Assert.Contains("epoch 1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("is 2", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Id(1), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commit_to_a_partition_never_taken_is_refused()
    {
        var refused = await Assert.ThrowsAsync<SessionStoreFencedException>(() => Commit(Fenced, 5, 1, SessionWrite.Upsert(Row(Id(1)))));

        Assert.Equal(0, refused.CurrentEpoch);
        Assert.Empty(await Load());
    }

    [Fact]
    public async Task A_refused_commit_leaves_the_store_writable()
    {
        var old = await Take(Fenced, 0);
        var current = await Take(Fenced, 0);
        await Assert.ThrowsAsync<SessionStoreFencedException>(() => Commit(Fenced, 0, old, SessionWrite.Upsert(Row(Id(1)))));

        await Commit(Fenced, 0, current, SessionWrite.Upsert(Row(Id(2))));
        await Commit(SessionWrite.Upsert(Row(Id(3))));

        Assert.Equal([Id(2), Id(3)], (await Load()).Select(r => r.Id).Order());
    }

    [Fact]
    public async Task A_second_store_on_the_same_database_taking_the_partition_fences_the_first()
    {
        var first = await Take(Fenced, 0);
        await Commit(Fenced, 0, first, SessionWrite.Upsert(Row(Id(1), value: "first")));
        var other = await OpenSecondStore();
        try
        {
            var second = await Take(other, 0);

            var refused = await Assert.ThrowsAsync<SessionStoreFencedException>(() => Commit(Fenced, 0, first, SessionWrite.Upsert(Row(Id(1), version: 2, value: "zombie"))));
            await Commit(other, 0, second, SessionWrite.Upsert(Row(Id(1), version: 2, value: "second")));

            Assert.Equal((first + 1, second), (second, refused.CurrentEpoch));
            Assert.Equal("second", Value(Assert.Single(await Load())));
        }
        finally
        {
            await Close(other);
        }
    }

    [Fact]
    public async Task A_take_racing_a_commit_either_follows_it_or_refuses_it_whole()
    {
        const int Rows = 2000;
        var other = await OpenSecondStore();
        try
        {
            for (var round = 0; round < 8; round++)
            {
                var epoch = await Take(Fenced, 0);
                var writes = Enumerable.Range(round * Rows, Rows).Select(i => SessionWrite.Upsert(Row(Id(i)))).ToArray();

                var commit = Task.Run(() => Commit(Fenced, 0, epoch, writes));
                var take = Task.Run(async () =>
                {
                    await Task.Delay(round % 4);
                    return await Take(other, 0);
                });
                Assert.Equal(epoch + 1, await take);

                // Read as soon as the take is done, before the commit's outcome is known: a commit that lands
                // must have landed before the take, so its rows are there already; a later one must be refused.
                var ids = writes.Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
                var seenAfterTake = (await Load()).Count(r => ids.Contains(r.Id));
                var refused = await Record.ExceptionAsync(() => commit);
                var landed = (await Load()).Count(r => ids.Contains(r.Id));

                if (refused is null)
                {
                    Assert.Equal((Rows, Rows), (seenAfterTake, landed));
                }
                else
                {
                    Assert.Equal(epoch + 1, Assert.IsType<SessionStoreFencedException>(refused).CurrentEpoch);
                    Assert.Equal((0, 0), (seenAfterTake, landed));
                }

                await Assert.ThrowsAsync<SessionStoreFencedException>(() => Commit(Fenced, 0, epoch, SessionWrite.Upsert(Row(Id(-1)))));
            }
        }
        finally
        {
            await Close(other);
        }
    }
}
