namespace ActorSessions.Tests.Container;

public sealed partial class SessionContainerSpec
{
    [Fact]
    public async Task An_id_ended_by_a_logout_is_answered_as_retired_for_a_while()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        await Ask<SessionDeleted>(container, new DeleteSession(session.Id));

        Assert.True((await Ask<SessionNotFound>(container, new GetSession(session.Id))).Retired);
        Assert.True((await Ask<SessionNotFound>(container, new UpdateSession(session.Id))).Retired);
        Clock.Advance(RetiredIds.Window);
        Assert.False((await Ask<SessionNotFound>(container, new GetSession(session.Id))).Retired);
    }

    [Fact]
    public async Task The_old_id_of_a_renewal_is_answered_as_retired_and_the_new_one_is_served()
    {
        var container = NewContainer();
        var session = await OpenNew(container);

        var renewed = await Ask<SessionRenewed>(container, new RenewSessionId(session.Id));

        Assert.True((await Ask<SessionNotFound>(container, new SaveSession(session.SetString("k", "v")))).Retired);
        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(renewed.Session.Id)));
    }

    [Fact]
    public async Task An_expired_or_unknown_id_is_not_retired()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        Clock.Advance(Settings().IdleTimeout);

        Assert.False((await Ask<SessionNotFound>(container, new GetSession(session.Id))).Retired);
        Assert.False((await Ask<SessionNotFound>(container, new GetSession("CCCCCCCCCCCCCCCCCCCC"))).Retired);
    }

    [Fact]
    public void Retired_ids_are_bounded_and_forget_the_oldest_first()
    {
        var retired = new RetiredIds(TimeSpan.TicksPerSecond);
        for (var i = 0; i <= RetiredIds.Capacity; i++)
        {
            retired.Add($"id-{i}", now: 0);
        }

        Assert.Equal(RetiredIds.Capacity, retired.Count);
        Assert.False(retired.Contains("id-0", now: 0));
        Assert.True(retired.Contains($"id-{RetiredIds.Capacity}", now: 0));
    }
}
