namespace ActorSessions.Tests.Container;

public sealed partial class SessionContainerSpec
{
    public static TheoryData<object> BadRequests() => new()
    {
        new GetSession(null!),
        new GetSession(string.Empty),
        new DeleteSession(null!),
        new DeleteSession(string.Empty),
        new RenewSessionId(null!),
        new RenewSessionId(string.Empty),
        new SaveSession(null!),
        new SaveSession(new Session(null!, Start, Start, 0, SessionData.Empty)),
        new SaveSession(new Session(string.Empty, Start, Start, 0, SessionData.Empty)),
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_gets_an_ArgumentException_and_every_session_survives(object request)
    {
        var container = NewContainer();
        var session = (await Ask<SessionSaved>(container, new SaveSession((await OpenNew(container)).SetString("k", "v")))).Session;

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Ask<object>(container, request));

        // A restart would have emptied the container: the session is still there, with its data.
        var found = await Ask<SessionFound>(container, new GetSession(session.Id));
        Assert.Equal("v", found.Session.GetString("k"));
        Assert.Equal(1, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Count);
    }

    [Fact]
    public async Task An_unknown_message_changes_nothing()
    {
        var container = NewContainer();
        var session = await OpenNew(container);

        container.Tell("hello", TestActor);
        container.Tell(42, TestActor);

        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(session.Id)));
    }
}
