namespace ActorSessions.Tests.Container;

public sealed partial class SessionContainerSpec
{
    [Fact]
    public async Task Save_stores_the_data_and_bumps_the_version()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        Clock.Advance(TimeSpan.FromSeconds(7));

        var saved = await Ask<SessionSaved>(container, new SaveSession(session.SetString("cart", "3 items")));

        Assert.Equal(1, saved.Session.Version);
        Assert.Equal("3 items", saved.Session.GetString("cart"));
        Assert.Equal(Start + TimeSpan.FromSeconds(7), saved.Session.LastModified);
        Assert.Equal(session.CreatedAt, saved.Session.CreatedAt);
    }

    [Fact]
    public async Task Without_a_version_check_the_last_writer_wins()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        var tab1 = session.SetString("color", "red");
        var tab2 = session.SetString("color", "blue");

        await Ask<SessionSaved>(container, new SaveSession(tab1));
        await Ask<SessionSaved>(container, new SaveSession(tab2));

        var found = await Ask<SessionFound>(container, new GetSession(session.Id));
        Assert.Equal("blue", found.Session.GetString("color"));
        Assert.Equal(2, found.Session.Version);
    }

    [Fact]
    public async Task With_a_version_check_a_stale_write_gets_a_conflict_and_writes_nothing()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        await Ask<SessionSaved>(container, new SaveSession(session.SetString("color", "red"), CheckVersion: true));

        var conflict = await Ask<SessionVersionConflict>(container, new SaveSession(session.SetString("color", "blue"), CheckVersion: true));

        Assert.Equal(1, conflict.Current.Version);
        Assert.Equal("red", conflict.Current.GetString("color"));
        Assert.Equal(0, conflict.AttemptedVersion);
        Assert.Equal("red", (await Ask<SessionFound>(container, new GetSession(session.Id))).Session.GetString("color"));
    }

    [Fact]
    public async Task With_a_version_check_a_current_write_succeeds()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        var first = (await Ask<SessionSaved>(container, new SaveSession(session.SetString("n", "1"), CheckVersion: true))).Session;

        var second = await Ask<SessionSaved>(container, new SaveSession(first.SetString("n", "2"), CheckVersion: true));

        Assert.Equal(2, second.Session.Version);
    }

    [Fact]
    public async Task Saving_an_unknown_session_is_not_found_and_creates_nothing()
    {
        var container = NewContainer();
        var forged = new Session("BBBBBBBBBBBBBBBBBBBB", Start, Start, 0, SessionData.Empty).SetString("admin", "true");

        var reply = await Ask<object>(container, new SaveSession(forged));

        Assert.Equal(new SessionNotFound(forged.Id), reply);
        Assert.Equal(0, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Count);
    }

    [Fact]
    public async Task A_snapshot_changed_by_its_holder_leaves_the_container_copy_alone()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        var saved = (await Ask<SessionSaved>(container, new SaveSession(session.Set("bytes", [1, 2, 3])))).Session;

        _ = saved.SetString("bytes", "changed").Remove("bytes").Clear();
        saved.TryGetValue("bytes", out var held);

        var found = (await Ask<SessionFound>(container, new GetSession(session.Id))).Session;
        Assert.True(found.TryGetValue("bytes", out var stored));
        Assert.Equal([1, 2, 3], stored.ToArray());
        Assert.Equal([1, 2, 3], held.ToArray());
    }

    [Fact]
    public async Task Keys_that_differ_only_in_case_are_stored_apart()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        var data = SessionData.CreateRange([new("Key", [1]), new("key", [2])]);

        await Ask<SessionSaved>(container, new SaveSession(session with { Data = data }));

        var found = (await Ask<SessionFound>(container, new GetSession(session.Id))).Session;
        Assert.True(found.TryGetValue("Key", out var upper));
        Assert.True(found.TryGetValue("key", out var lower));
        Assert.Equal([1], upper.ToArray());
        Assert.Equal([2], lower.ToArray());
        Assert.False(found.TryGetValue("KEY", out _));
    }

    [Fact]
    public async Task Removing_and_clearing_keys_sticks()
    {
        var container = NewContainer();
        var session = (await Ask<SessionSaved>(container, new SaveSession((await OpenNew(container)).SetString("a", "1").SetString("b", "2")))).Session;

        await Ask<SessionSaved>(container, new SaveSession(session.Remove("a")));
        Assert.Equal(["b"], (await Ask<SessionFound>(container, new GetSession(session.Id))).Session.Keys);

        await Ask<SessionSaved>(container, new SaveSession(session.Clear()));
        Assert.Empty((await Ask<SessionFound>(container, new GetSession(session.Id))).Session.Keys);
    }
}
