using static ActorSessions.Storage.Tests.TestSupport.Rows;

namespace ActorSessions.Storage.Tests.TestSupport;

/// <summary>What every <see cref="ISessionStore"/> must do, run against each real store.</summary>
public abstract class SessionStoreContract : IAsyncLifetime
{
    protected ISessionStore Store { get; private set; } = null!;

    /// <summary>A new store over the same database as <see cref="Store"/>.</summary>
    protected abstract ISessionStore OpenStore();

    /// <summary>Marks the database as written by a newer schema version.</summary>
    protected abstract Task SetSchemaVersion(int version);

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
    public async Task A_container_recovers_what_another_container_committed()
    {
        using var system = ActorSystem.Create("contract", "akka.loglevel = WARNING");
        var first = system.ActorOf(SessionContainer.Props(SessionSettings.Default, null, null, Store));
        var session = (await first.Ask<SessionOpened>(new OpenSession(), TimeSpan.FromSeconds(10))).Session;
        var saved = (await first.Ask<SessionSaved>(new SaveSession(session.SetString("cart", "2 apples")), TimeSpan.FromSeconds(10))).Session;
        await first.GracefulStop(TimeSpan.FromSeconds(10));

        var second = system.ActorOf(SessionContainer.Props(SessionSettings.Default, null, null, OpenStore()));
        var found = (await second.Ask<SessionFound>(new GetSession(session.Id), TimeSpan.FromSeconds(10))).Session;

        Assert.Equal("2 apples", found.GetString("cart"));
        Assert.Equal(saved.Version, found.Version);
    }
}
