using ActorSessions.Durability;
using ActorSessions.Storage;
using System.Collections.Immutable;
using static ActorSessions.Storage.Tests.TestSupport.Rows;

namespace ActorSessions.Storage.Tests.TestSupport;

/// <summary>What every <see cref="ISessionStore"/> must do, run against each real store.</summary>
public abstract partial class SessionStoreContract : IAsyncLifetime
{
    protected ISessionStore Store { get; private set; } = null!;

    /// <summary>A new store over the same database as <see cref="Store"/>.</summary>
    protected abstract ISessionStore OpenStore();

    /// <summary>Marks the database as written by a newer schema version.</summary>
    protected abstract Task SetSchemaVersion(int version);

    /// <summary>
    /// A store (not yet initialized) over a fresh database in schema version 1, as the first release
    /// wrote it: one row a session with its keys in a <c>data</c> blob, holding <paramref name="rows"/>.
    /// </summary>
    protected abstract Task<ISessionStore> OpenVersion1Store(IReadOnlyList<SessionRecord> rows);

    public virtual async Task InitializeAsync()
    {
        Store = OpenStore();
        await Store.InitializeAsync(CancellationToken.None);
    }

    public virtual async Task DisposeAsync()
    {
        if (Store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    protected async Task<List<SessionRecord>> Load(DateTimeOffset? now = null)
    {
        var rows = new List<SessionRecord>();
        await foreach (var row in Store.LoadAsync(now ?? Now, CancellationToken.None))
        {
            rows.Add(row);
        }

        return rows;
    }

    protected Task Commit(params SessionWrite[] writes) => Store.CommitAsync(writes, CancellationToken.None);

    [Fact]
    public async Task Initialize_is_idempotent_and_keeps_the_rows()
    {
        await Commit(SessionWrite.Upsert(Row(Id(1))));

        await Store.InitializeAsync(CancellationToken.None);
        await using var again = OpenStore() as IAsyncDisposable;
        await ((ISessionStore)again!).InitializeAsync(CancellationToken.None);

        Assert.Single(await Load());
    }

    [Fact]
    public async Task A_committed_row_is_loaded_back_as_it_was()
    {
        var row = Row(Id(1), version: 42, value: "Zoë");

        await Commit(SessionWrite.Upsert(row));

        var loaded = Assert.Single(await Load());
        Assert.Equal(row.Id, loaded.Id);
        Assert.Equal(row.Data, loaded.Data);
        Assert.Equal(row.CreatedAt, loaded.CreatedAt);
        Assert.Equal(row.LastModified, loaded.LastModified);
        Assert.Equal(row.Version, loaded.Version);
        Assert.Equal(row.ExpiresAt, loaded.ExpiresAt);
    }

    [Fact]
    public async Task An_upsert_replaces_the_row_and_a_delete_removes_it()
    {
        await Commit(SessionWrite.Upsert(Row(Id(1))), SessionWrite.Upsert(Row(Id(2))));

        await Commit(SessionWrite.Upsert(Row(Id(1), version: 2, value: "new")), SessionWrite.Delete(Id(2)), SessionWrite.Delete(Id(3)));

        var loaded = Assert.Single(await Load());
        Assert.Equal(2, loaded.Version);
        Assert.Equal("new", Value(loaded));
    }

    [Fact]
    public async Task A_large_group_commit_lands_whole()
    {
        var writes = Enumerable.Range(0, 5000).Select(i => SessionWrite.Upsert(Row(Id(i)))).ToList();

        await Store.CommitAsync(writes, CancellationToken.None);

        Assert.Equal(5000, (await Load()).Count);
    }

    [Fact]
    public async Task A_commit_is_all_or_nothing()
    {
        var broken = new SessionWrite(Id(2), Row(Id(2)) with { Data = null! });

        await Assert.ThrowsAnyAsync<Exception>(() => Commit(SessionWrite.Upsert(Row(Id(1))), broken));

        Assert.Empty(await Load());
        await Commit(SessionWrite.Upsert(Row(Id(3))));
        Assert.Single(await Load());
    }

    [Fact]
    public async Task Expired_rows_are_not_loaded()
    {
        await Commit(SessionWrite.Upsert(Row(Id(1), expires: Now - TimeSpan.FromSeconds(1))), SessionWrite.Upsert(Row(Id(2))));

        Assert.Equal(Id(2), Assert.Single(await Load()).Id);
    }

    [Fact]
    public async Task Expired_rows_are_deleted_in_bounded_batches()
    {
        await Store.CommitAsync(
            [.. Enumerable.Range(0, 25).Select(i => SessionWrite.Upsert(Row(Id(i), expires: Now - TimeSpan.FromMinutes(5)))), SessionWrite.Upsert(Row(Id(99)))],
            CancellationToken.None);

        var first = await Store.DeleteExpiredAsync(Now, 10, CancellationToken.None);
        var second = await Store.DeleteExpiredAsync(Now, 10, CancellationToken.None);
        var third = await Store.DeleteExpiredAsync(Now, 10, CancellationToken.None);

        Assert.Equal((10, 10, 5), (first, second, third));
        Assert.Equal(Id(99), Assert.Single(await Load(Now - TimeSpan.FromDays(1))).Id);
    }

    [Fact]
    public async Task A_schema_written_by_a_newer_version_is_refused_clearly()
    {
        await SetSchemaVersion(99);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenStore().InitializeAsync(CancellationToken.None));

        Assert.Contains("99", error.Message);
    }

    [Fact]
    public void The_store_keeps_keys_apart_and_accepts_item_changes() => Assert.True(Store.AcceptsItemChanges);

    [Fact]
    public async Task A_change_writes_the_stamps_and_only_the_keys_named()
    {
        await Commit(SessionWrite.Upsert(Whole(Id(1), ("a", "1"), ("b", "2"), ("c", "3"))), SessionWrite.Upsert(Whole(Id(2), ("a", "other"))));

        await Commit(Change(Id(1), version: 2, Items(set: [("b", "two"), ("d", "4")], removed: ["a", "missing"])));

        var loaded = (await Load()).ToDictionary(r => r.Id);
        Assert.Equal(Keys(("b", "two"), ("c", "3"), ("d", "4")), Items(loaded[Id(1)]));
        Assert.Equal(2, loaded[Id(1)].Version);
        Assert.Equal(Now, loaded[Id(1)].LastModified);
        Assert.Equal(Now + TimeSpan.FromMinutes(30), loaded[Id(1)].ExpiresAt);
        Assert.Equal(Keys(("a", "other")), Items(loaded[Id(2)]));
    }

    [Fact]
    public async Task A_touch_writes_the_stamps_and_keeps_every_key()
    {
        await Commit(SessionWrite.Upsert(Whole(Id(1), ("a", "1"), ("b", "2"))));

        await Commit(Change(Id(1), version: 1, SessionItemChanges.None));

        var loaded = Assert.Single(await Load());
        Assert.Equal(Keys(("a", "1"), ("b", "2")), Items(loaded));
        Assert.Equal(Now, loaded.LastModified);
    }

    [Fact]
    public async Task A_whole_write_replaces_every_key()
    {
        await Commit(SessionWrite.Upsert(Whole(Id(1), ("a", "1"), ("b", "2"))));

        await Commit(SessionWrite.Upsert(Whole(Id(1), ("c", "3"))));

        Assert.Equal(Keys(("c", "3")), Items(Assert.Single(await Load())));
    }

    [Fact]
    public async Task A_delete_removes_the_keys_with_the_session()
    {
        await Commit(SessionWrite.Upsert(Whole(Id(1), ("a", "1"))));

        await Commit(SessionWrite.Delete(Id(1)));
        await Commit(SessionWrite.Upsert(Whole(Id(1))));

        Assert.Empty(Items(Assert.Single(await Load())));
    }

    [Fact]
    public async Task Cleanup_removes_the_keys_of_the_sessions_it_deletes()
    {
        await Commit(SessionWrite.Upsert(Whole(Id(1), ("a", "1")) with { ExpiresAt = Now - TimeSpan.FromMinutes(5) }), SessionWrite.Upsert(Whole(Id(2), ("b", "2"))));

        Assert.Equal(1, await Store.DeleteExpiredAsync(Now, 10, CancellationToken.None));
        await Commit(SessionWrite.Upsert(Whole(Id(1))));

        var loaded = (await Load()).ToDictionary(r => r.Id);
        Assert.Empty(Items(loaded[Id(1)]));
        Assert.Equal(Keys(("b", "2")), Items(loaded[Id(2)]));
    }

    [Fact]
    public async Task A_change_to_a_session_the_store_does_not_hold_fails_the_commit()
    {
        var keys = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Commit(SessionWrite.Upsert(Whole(Id(1), ("a", "1"))), Change(Id(2), version: 1, Items(set: [("a", "1")], removed: []))));
        var touch = await Assert.ThrowsAsync<InvalidOperationException>(() => Commit(Change(Id(3), version: 1, SessionItemChanges.None)));

        Assert.Empty(await Load());

        // An id is a bearer secret: the failure, which the journal logs, does not name it.
        Assert.DoesNotContain(Id(2), keys.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Id(3), touch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_key_and_value_a_session_holds_round_trip()
    {
        var big = new string('x', 20_000);
        var keys = new[] { ("", "empty key"), ("nul\0inside", "1"), ("Zoë 🦊", "2"), ("empty value", ""), ("big", big) };

        await Commit(SessionWrite.Upsert(Whole(Id(1), keys)));
        Assert.Equal(Keys(keys), Items(Assert.Single(await Load())));

        await Commit(Change(Id(1), version: 2, Items(set: [("nul\0inside", "changed")], removed: ["Zoë 🦊"])));
        Assert.Equal(Keys(("", "empty key"), ("nul\0inside", "changed"), ("empty value", ""), ("big", big)), Items(Assert.Single(await Load())));
    }

    [Fact]
    public async Task Find_reads_the_live_rows_of_the_ids_asked_for_with_their_keys_and_leaves_out_the_rest()
    {
        Assert.True(Store.FindsById);
        await Store.CommitAsync(
            [
                SessionWrite.Upsert(Whole(Id(1), [("a", "1"), ("b", "2")])),
                SessionWrite.Upsert(Whole(Id(2), [])),
                SessionWrite.Upsert(Row(Id(3), expires: Now - TimeSpan.FromSeconds(1))),
                SessionWrite.Upsert(Row(Id(4))),
            ],
            CancellationToken.None);

        var found = await Store.FindAsync([Id(1), Id(2), Id(3), Id(5)], Now, CancellationToken.None);

        Assert.Equal([Id(1), Id(2)], found.Select(r => r.Id).Order(StringComparer.Ordinal));
        var first = found.Single(r => r.Id == Id(1));
        Assert.Equal(Keys(("a", "1"), ("b", "2")), Items(first));
        var loaded = (await Load()).Single(r => r.Id == Id(1));
        Assert.Equal((loaded.CreatedAt, loaded.LastModified, loaded.Version, loaded.ExpiresAt), (first.CreatedAt, first.LastModified, first.Version, first.ExpiresAt));
        Assert.Empty(Items(found.Single(r => r.Id == Id(2))));
        Assert.Empty(await Store.FindAsync([], Now, CancellationToken.None));
    }

    [Fact]
    public async Task Find_sees_what_was_committed_while_a_load_is_under_way()
    {
        await Store.CommitAsync([.. Enumerable.Range(0, 50).Select(i => SessionWrite.Upsert(Row(Id(i), value: "before")))], CancellationToken.None);
        await using var rows = Store.LoadAsync(Now, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await rows.MoveNextAsync());

        await Commit(SessionWrite.Upsert(Row(Id(7), version: 2, value: "after")), SessionWrite.Upsert(Row(Id(99), value: "new")));
        var found = await Store.FindAsync([Id(7), Id(99)], Now, CancellationToken.None);

        Assert.Equal("after", Value(found.Single(r => r.Id == Id(7))));
        Assert.Equal("new", Value(found.Single(r => r.Id == Id(99))));
    }

    [Fact]
    public async Task Many_sessions_load_with_their_own_keys()
    {
        await Store.CommitAsync([.. Enumerable.Range(0, 300).Select(i => SessionWrite.Upsert(Whole(Id(i), [.. Enumerable.Range(0, i % 4).Select(k => ($"k{k}", $"{i}/{k}"))])))], CancellationToken.None);

        var loaded = await Load();

        Assert.Equal(300, loaded.Count);
        Assert.All(loaded, r =>
        {
            var i = int.Parse(r.Id[2..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Keys([.. Enumerable.Range(0, i % 4).Select(k => ($"k{k}", $"{i}/{k}"))]), Items(r));
        });
    }

    [Fact]
    public async Task A_version_1_database_is_converted_in_place_and_keeps_every_session()
    {
        var rows = new[]
        {
            Whole(Id(1), ("a", "1"), ("b", "2")),
            Whole(Id(2)),
            Whole(Id(3), ("cart", "3 books")) with { Version = 7, ExpiresAt = Now - TimeSpan.FromMinutes(1) },
            Whole(Id(4), ("x", "y")) with { Data = [0xDE, 0xAD] },
        };
        var old = await OpenVersion1Store(rows);
        try
        {
            await old.InitializeAsync(CancellationToken.None);
            await old.InitializeAsync(CancellationToken.None);

            var loaded = new List<SessionRecord>();
            await foreach (var row in old.LoadAsync(Now - TimeSpan.FromDays(1), CancellationToken.None))
            {
                loaded.Add(row);
            }

            // The undecodable row is the one not carried over: the container would have treated it as no session.
            Assert.Equal([Id(1), Id(2), Id(3)], loaded.Select(r => r.Id).Order());
            foreach (var row in rows.Take(3))
            {
                var found = loaded.Single(r => r.Id == row.Id);
                Assert.Equal(Items(row), Items(found));
                Assert.Equal((row.CreatedAt, row.LastModified, row.Version, row.ExpiresAt), (found.CreatedAt, found.LastModified, found.Version, found.ExpiresAt));
            }

            await old.CommitAsync([Change(Id(1), version: 2, Items(set: [("c", "3")], removed: ["a"]))], CancellationToken.None);
            await foreach (var row in old.LoadAsync(Now, CancellationToken.None))
            {
                if (row.Id == Id(1))
                {
                    Assert.Equal(Keys(("b", "2"), ("c", "3")), Items(row));
                }
            }

            // The converted database is fenced, and read by partition, as a new one is.
            var fenced = (IFencedSessionStore)old;
            Assert.Equal(1, await fenced.TakePartitionAsync(0, CancellationToken.None));
            var byPartition = new List<string>();
            for (var p = 0; p < 2; p++)
            {
                await foreach (var row in fenced.LoadAsync(p, 2, Now - TimeSpan.FromDays(1), CancellationToken.None))
                {
                    Assert.Equal(p, SessionPartitioner.PartitionOf(row.Id, 2));
                    byPartition.Add(row.Id);
                }
            }

            Assert.Equal([Id(1), Id(2), Id(3)], byPartition.Order());
        }
        finally
        {
            if (old is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    protected static SessionRecord Whole(string id, params (string Key, string Value)[] items) =>
        new(
            id,
            SessionDataCodec.Encode(SessionData.CreateRange(items.Select(i => KeyValuePair.Create(i.Key, Bytes(i.Value))))),
            Now - TimeSpan.FromMinutes(10),
            Now - TimeSpan.FromMinutes(1),
            1,
            Now + TimeSpan.FromMinutes(29));

    private static SessionWrite Change(string id, long version, SessionItemChanges items) =>
        SessionWrite.Change(id, Now - TimeSpan.FromMinutes(10), Now, version, Now + TimeSpan.FromMinutes(30), items);

    private static SessionItemChanges Items((string Key, string Value)[] set, string[] removed) =>
        new(SessionData.CreateRange(set.Select(i => KeyValuePair.Create(i.Key, Bytes(i.Value)))), [.. removed]);

    private static ImmutableArray<byte> Bytes(string value) => [.. System.Text.Encoding.UTF8.GetBytes(value)];

    private static SortedDictionary<string, string> Keys(params (string Key, string Value)[] items) =>
        new(items.ToDictionary(i => i.Key, i => i.Value), StringComparer.Ordinal);

    private static SortedDictionary<string, string> Items(SessionRecord record)
    {
        Assert.True(SessionDataCodec.TryDecode(record.Data, out var data, out var error), error);
        return new(data.ToDictionary(e => e.Key, e => System.Text.Encoding.UTF8.GetString(e.Value.AsSpan())), StringComparer.Ordinal);
    }

    [Fact]
    public async Task A_container_recovers_what_another_container_committed()
    {
        using var system = ActorSystem.Create("contract", "akka.loglevel = WARNING");
        var first = system.ActorOf(SessionContainer.Props(new SessionContainerOptions(SessionSettings.Default) { Store = Store }));
        var session = (await first.Ask<SessionOpened>(new OpenSession(), TimeSpan.FromSeconds(10))).Session;
        var saved = (await first.Ask<SessionSaved>(new SaveSession(session.SetString("cart", "2 apples")), TimeSpan.FromSeconds(10))).Session;
        await first.GracefulStop(TimeSpan.FromSeconds(10));

        var second = system.ActorOf(SessionContainer.Props(new SessionContainerOptions(SessionSettings.Default) { Store = OpenStore() }));
        var found = (await second.Ask<SessionFound>(new GetSession(session.Id), TimeSpan.FromSeconds(10))).Session;

        Assert.Equal("2 apples", found.GetString("cart"));
        Assert.Equal(saved.Version, found.Version);
    }
}
