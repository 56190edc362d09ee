using ActorSessions.Tests.TestSupport;

namespace ActorSessions.Tests.Container;

public sealed partial class SessionContainerSpec
{
    private static readonly TimeSpan Idle = SessionSettings.Default.IdleTimeout;

    [Fact]
    public void Idle_timeout_defaults_to_30_minutes()
    {
        Assert.Equal(TimeSpan.FromMinutes(30), Idle);
    }

    [Fact]
    public async Task A_session_lives_until_just_before_its_idle_timeout()
    {
        var container = NewContainer();
        var session = await OpenNew(container);

        Clock.Advance(Idle - TimeSpan.FromTicks(1));

        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(session.Id)));
    }

    [Fact]
    public async Task Opening_slides_the_expiry()
    {
        var container = NewContainer();
        var session = await OpenNew(container);

        Clock.Advance(Idle * 0.75);
        await Ask<SessionOpened>(container, new OpenSession(session.Id));
        Clock.Advance(Idle * 0.75);

        Assert.False((await Ask<SessionOpened>(container, new OpenSession(session.Id))).IsNew);
    }

    [Fact]
    public async Task Saving_slides_the_expiry()
    {
        var container = NewContainer();
        var session = await OpenNew(container);

        Clock.Advance(Idle * 0.75);
        await Ask<SessionSaved>(container, new SaveSession(session.SetString("a", "1")));
        Clock.Advance(Idle * 0.75);

        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(session.Id)));
    }

    [Fact]
    public async Task Get_is_a_peek_that_does_not_slide_the_expiry()
    {
        var container = NewContainer();
        var session = await OpenNew(container);

        Clock.Advance(Idle * 0.75);
        await Ask<SessionFound>(container, new GetSession(session.Id));
        Clock.Advance(Idle * 0.25);

        Assert.IsType<SessionNotFound>(await Ask<object>(container, new GetSession(session.Id)));
    }

    [Fact]
    public async Task An_expired_session_is_gone_for_every_message_before_any_cleanup()
    {
        var container = NewContainer();
        var a = await OpenNew(container);
        var b = await OpenNew(container);
        var c = await OpenNew(container);
        Clock.Advance(Idle);

        Assert.IsType<SessionNotFound>(await Ask<object>(container, new GetSession(a.Id)));
        Assert.IsType<SessionNotFound>(await Ask<object>(container, new SaveSession(b.SetString("k", "v"))));
        Assert.IsType<SessionNotFound>(await Ask<object>(container, new RenewSessionId(c.Id)));
        Assert.False((await Ask<SessionDeleted>(container, new DeleteSession(a.Id))).Existed);
    }

    [Fact]
    public async Task Absolute_timeout_ends_an_active_session()
    {
        var container = NewContainer(Settings(s => s with { AbsoluteTimeout = TimeSpan.FromHours(1) }));
        var session = await OpenNew(container);

        for (var i = 0; i < 5; i++)
        {
            Clock.Advance(TimeSpan.FromMinutes(11));
            Assert.False((await Ask<SessionOpened>(container, new OpenSession(session.Id))).IsNew);
        }

        Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.True((await Ask<SessionOpened>(container, new OpenSession(session.Id))).IsNew);
    }

    [Fact]
    public async Task Absolute_timeout_is_off_by_default()
    {
        Assert.Null(SessionSettings.Default.AbsoluteTimeout);
        var container = NewContainer();
        var session = await OpenNew(container);

        for (var i = 0; i < 100; i++)
        {
            Clock.Advance(TimeSpan.FromMinutes(29));
            await Ask<SessionOpened>(container, new OpenSession(session.Id));
        }

        Assert.False((await Ask<SessionOpened>(container, new OpenSession(session.Id))).IsNew);
    }

    [Fact]
    public async Task A_wall_clock_jump_forward_alone_does_not_expire_a_session()
    {
        var clock = new JumpingClock(Clock);
        var container = NewContainer(time: clock);
        var session = await OpenNew(container);

        clock.WallOffset = TimeSpan.FromDays(1);

        var opened = await Ask<SessionOpened>(container, new OpenSession(session.Id));
        Assert.False(opened.IsNew);
        Assert.Equal(Start + TimeSpan.FromDays(1), opened.Session.LastModified);
    }

    [Fact]
    public async Task A_wall_clock_jump_back_does_not_revive_an_expired_session()
    {
        var clock = new JumpingClock(Clock);
        var container = NewContainer(time: clock);
        var session = await OpenNew(container);

        Clock.Advance(Idle);
        clock.WallOffset = -Idle;

        Assert.IsType<SessionNotFound>(await Ask<object>(container, new GetSession(session.Id)));
    }

    [Fact]
    public async Task AdjustTime_shifts_every_sessions_stamps_and_expires_nothing()
    {
        var container = NewContainer();
        var a = await OpenNew(container);
        Clock.Advance(TimeSpan.FromMinutes(10));
        var b = await OpenNew(container);
        var shift = TimeSpan.FromHours(-3);

        var adjusted = await Ask<TimeAdjusted>(container, new AdjustTime(shift));

        Assert.Equal(2, adjusted.Sessions);
        var a2 = (await Ask<SessionFound>(container, new GetSession(a.Id))).Session;
        var b2 = (await Ask<SessionFound>(container, new GetSession(b.Id))).Session;
        Assert.Equal(a.CreatedAt + shift, a2.CreatedAt);
        Assert.Equal(a.LastModified + shift, a2.LastModified);
        Assert.Equal(b.CreatedAt + shift, b2.CreatedAt);
    }

    [Fact]
    public async Task AdjustTime_refuses_an_absurd_delta_and_changes_nothing()
    {
        var container = NewContainer();
        var session = await OpenNew(container);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Ask<TimeAdjusted>(container, new AdjustTime(TimeSpan.FromDays(365_000))));

        Assert.Equal(session.CreatedAt, (await Ask<SessionFound>(container, new GetSession(session.Id))).Session.CreatedAt);
    }
}
