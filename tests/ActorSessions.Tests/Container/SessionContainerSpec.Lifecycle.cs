namespace ActorSessions.Tests.Container;

public sealed partial class SessionContainerSpec
{
    [Fact]
    public async Task Delete_ends_a_session_and_says_whether_it_existed()
    {
        var container = NewContainer();
        var session = await OpenNew(container);

        Assert.Equal(new SessionDeleted(session.Id, Existed: true), await Ask<SessionDeleted>(container, new DeleteSession(session.Id)));
        Assert.Equal(new SessionDeleted(session.Id, Existed: false), await Ask<SessionDeleted>(container, new DeleteSession(session.Id)));
        Assert.IsType<SessionNotFound>(await Ask<object>(container, new GetSession(session.Id)));
    }

    [Fact]
    public async Task Renew_moves_the_data_to_a_fresh_id_and_retires_the_old_one()
    {
        var container = NewContainer();
        var session = (await Ask<SessionSaved>(container, new SaveSession((await OpenNew(container)).SetString("user", "ada")))).Session;

        var renewed = await Ask<SessionRenewed>(container, new RenewSessionId(session.Id));

        Assert.Equal(session.Id, renewed.PreviousId);
        Assert.NotEqual(session.Id, renewed.Session.Id);
        Assert.Matches("^[A-Za-z0-9_-]{20}$", renewed.Session.Id);
        Assert.Equal("ada", renewed.Session.GetString("user"));
        Assert.Equal(session.CreatedAt, renewed.Session.CreatedAt);
        Assert.IsType<SessionNotFound>(await Ask<object>(container, new GetSession(session.Id)));
        Assert.True((await Ask<SessionOpened>(container, new OpenSession(session.Id))).IsNew);
        Assert.Equal("ada", (await Ask<SessionFound>(container, new GetSession(renewed.Session.Id))).Session.GetString("user"));
    }

    [Fact]
    public async Task Renew_keeps_the_absolute_timeout_counting_from_creation()
    {
        var container = NewContainer(Settings(s => s with { AbsoluteTimeout = TimeSpan.FromMinutes(20) }));
        var session = await OpenNew(container);
        Clock.Advance(TimeSpan.FromMinutes(15));

        var renewed = await Ask<SessionRenewed>(container, new RenewSessionId(session.Id));
        Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.IsType<SessionNotFound>(await Ask<object>(container, new GetSession(renewed.Session.Id)));
    }

    [Fact]
    public async Task Renewing_an_unknown_session_is_not_found()
    {
        var container = NewContainer();

        Assert.Equal(new SessionNotFound("CCCCCCCCCCCCCCCCCCCC"), await Ask<object>(container, new RenewSessionId("CCCCCCCCCCCCCCCCCCCC")));
    }

    [Fact]
    public async Task The_container_never_holds_more_than_max_sessions_and_evicts_the_one_idle_longest()
    {
        var events = EventProbe();
        var container = NewContainer(Settings(s => s with { MaxSessions = 3 }));
        var a = await OpenNew(container);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var b = await OpenNew(container);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var c = await OpenNew(container);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Ask<SessionOpened>(container, new OpenSession(a.Id)); // a is now the most recent; b is idle longest
        events.ReceiveN(3);

        var d = await OpenNew(container);

        Assert.Equal(new SessionEnded(b.Id, SessionEndReason.Evicted), events.ExpectMsg<SessionEnded>());
        Assert.Equal(d.Id, events.ExpectMsg<SessionCreated>().SessionId);
        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal(3, stats.Count);
        Assert.Equal(1, stats.Evicted);
        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(a.Id)));
        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(c.Id)));
    }

    [Fact]
    public async Task At_max_sessions_an_expired_session_makes_room_before_a_live_one_is_evicted()
    {
        var container = NewContainer(Settings(s => s with { MaxSessions = 2, AbsoluteTimeout = TimeSpan.FromMinutes(10) }));
        var expiring = await OpenNew(container);
        Clock.Advance(TimeSpan.FromMinutes(5));
        var live = await OpenNew(container);
        Clock.Advance(TimeSpan.FromMinutes(4));
        await Ask<SessionOpened>(container, new OpenSession(expiring.Id)); // touched, so not the idle-longest
        Clock.Advance(TimeSpan.FromMinutes(1));

        await OpenNew(container);

        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal((1L, 0L), (stats.Expired, stats.Evicted));
        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(live.Id)));
    }

    [Fact]
    public async Task Every_session_is_announced_once_when_created_and_once_when_it_ends()
    {
        var events = EventProbe();
        var container = NewContainer();
        var expired = await OpenNew(container);
        var deleted = await OpenNew(container);
        var renewed = await OpenNew(container);
        events.ReceiveN(3);

        await Ask<SessionDeleted>(container, new DeleteSession(deleted.Id));
        Assert.Equal(new SessionEnded(deleted.Id, SessionEndReason.Deleted), events.ExpectMsg<SessionEnded>());

        var renewal = await Ask<SessionRenewed>(container, new RenewSessionId(renewed.Id));
        Assert.Equal(new SessionEnded(renewed.Id, SessionEndReason.Renewed), events.ExpectMsg<SessionEnded>());
        var created = events.ExpectMsg<SessionCreated>();
        Assert.Equal((renewal.Session.Id, renewed.Id), (created.SessionId, created.PreviousId));

        Clock.Advance(Idle);
        await Ask<object>(container, new GetSession(expired.Id));           // ends it, lazily
        await Ask<SessionsCleanedUp>(container, CleanupSessions.Instance); // ends the renewed one
        await Ask<object>(container, new GetSession(expired.Id));           // nothing more to end

        var ended = new[] { events.ExpectMsg<SessionEnded>(), events.ExpectMsg<SessionEnded>() };
        Assert.Equal(
            new[] { new SessionEnded(expired.Id, SessionEndReason.Expired), new SessionEnded(renewal.Session.Id, SessionEndReason.Expired) },
            ended);
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Stats_count_sessions_by_how_they_ended()
    {
        var container = NewContainer();
        var sessions = new List<Session>();
        for (var i = 0; i < 6; i++)
        {
            sessions.Add(await OpenNew(container));
        }

        await Ask<SessionDeleted>(container, new DeleteSession(sessions[0].Id));
        await Ask<SessionDeleted>(container, new DeleteSession(sessions[1].Id));
        await Ask<SessionRenewed>(container, new RenewSessionId(sessions[2].Id));
        Clock.Advance(Idle * 0.5);
        await Ask<SessionOpened>(container, new OpenSession(sessions[3].Id));
        Clock.Advance(Idle * 0.5);
        await Ask<SessionsCleanedUp>(container, CleanupSessions.Instance);

        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);

        Assert.Equal(1, stats.Count);
        Assert.Equal(6, stats.Created);
        Assert.Equal(2, stats.Deleted);
        Assert.Equal(1, stats.Renewed);
        Assert.Equal(3, stats.Expired);
        Assert.Equal(0, stats.Evicted);
    }
}
