using Akka.TestKit.Xunit2;

namespace ActorSessions.Tests.Container;

public sealed class SessionBatchSpec : TestKit
{
    private readonly IActorRef _container;

    public SessionBatchSpec()
    {
        _container = Sys.ActorOf(SessionContainer.Props(SessionSettings.Default));
    }

    [Fact]
    public void An_in_memory_container_serves_a_batch_whatever_its_answer_by_since_it_waits_for_no_commit()
    {
        _container.Tell(new SessionBatch([new OpenSession()]) { AnswerBy = System.Diagnostics.Stopwatch.GetTimestamp() });

        Assert.True(Assert.IsType<SessionOpened>(Assert.Single(ExpectMsg<SessionBatchHandled>().Replies)).IsNew);
    }

    [Fact]
    public void A_batch_is_answered_with_one_reply_per_request_in_order()
    {
        var existing = Open();

        _container.Tell(new SessionBatch([new OpenSession(existing.Id), new OpenSession(), new GetSession(existing.Id)]));

        var replies = ExpectMsg<SessionBatchHandled>().Replies;
        Assert.Equal(3, replies.Count);
        var reopened = Assert.IsType<SessionOpened>(replies[0]);
        Assert.False(reopened.IsNew);
        Assert.Equal(existing.Id, reopened.Session.Id);
        var created = Assert.IsType<SessionOpened>(replies[1]);
        Assert.True(created.IsNew);
        Assert.NotEqual(existing.Id, created.Session.Id);
        Assert.Equal(existing.Id, Assert.IsType<SessionFound>(replies[2]).Session.Id);
    }

    [Fact]
    public void A_request_sees_what_an_earlier_request_of_the_same_batch_did()
    {
        var session = Open();

        _container.Tell(new SessionBatch(
        [
            new SaveSession(session.SetString("cart", "3 items")),
            new GetSession(session.Id),
            new DeleteSession(session.Id),
            new GetSession(session.Id),
        ]));

        var replies = ExpectMsg<SessionBatchHandled>().Replies;
        Assert.Equal(1, Assert.IsType<SessionSaved>(replies[0]).Session.Version);
        Assert.Equal("3 items", Assert.IsType<SessionFound>(replies[1]).Session.GetString("cart"));
        Assert.True(Assert.IsType<SessionDeleted>(replies[2]).Existed);
        Assert.Equal(session.Id, Assert.IsType<SessionNotFound>(replies[3]).SessionId);
    }

    [Fact]
    public void Not_found_and_version_conflicts_are_answered_in_their_slots()
    {
        var session = Open();
        _container.Tell(new SaveSession(session.SetString("a", "1")));
        ExpectMsg<SessionSaved>();

        _container.Tell(new SessionBatch(
        [
            new SaveSession(session.SetString("a", "stale"), CheckVersion: true),
            new RenewSessionId("NoSuchSessionIdAtAll1"),
        ]));

        var replies = ExpectMsg<SessionBatchHandled>().Replies;
        var conflict = Assert.IsType<SessionVersionConflict>(replies[0]);
        Assert.Equal(0, conflict.AttemptedVersion);
        Assert.Equal("1", conflict.Current.GetString("a"));
        Assert.IsType<SessionNotFound>(replies[1]);
    }

    [Fact]
    public void A_bad_entry_fails_only_its_own_slot()
    {
        var session = Open();

        _container.Tell(new SessionBatch(
        [
            null!,
            new ForeignRequest(),
            new SaveSession(null!),
            new GetSession(""),
            new OpenSession(session.Id),
        ]));

        var replies = ExpectMsg<SessionBatchHandled>().Replies;
        Assert.IsAssignableFrom<ArgumentException>(Assert.IsType<Status.Failure>(replies[0]).Cause);
        Assert.IsAssignableFrom<ArgumentException>(Assert.IsType<Status.Failure>(replies[1]).Cause);
        Assert.IsAssignableFrom<ArgumentException>(Assert.IsType<Status.Failure>(replies[2]).Cause);
        Assert.IsAssignableFrom<ArgumentException>(Assert.IsType<Status.Failure>(replies[3]).Cause);
        Assert.Equal(session.Id, Assert.IsType<SessionOpened>(replies[4]).Session.Id);
        AssertSessionsHeld(1);
    }

    [Fact]
    public void A_failing_session_factory_fails_only_its_slot()
    {
        var calls = 0;
        var container = Sys.ActorOf(SessionContainer.Props(new SessionContainerOptions(SessionSettings.Default)
        {
            SessionFactory = s => ++calls == 2 ? throw new InvalidOperationException("boom") : s,
        }));

        container.Tell(new SessionBatch([new OpenSession(), new OpenSession(), new OpenSession()]));

        var replies = ExpectMsg<SessionBatchHandled>().Replies;
        Assert.IsType<SessionOpened>(replies[0]);
        Assert.IsType<InvalidOperationException>(Assert.IsType<Status.Failure>(replies[1]).Cause);
        Assert.IsType<SessionOpened>(replies[2]);
    }

    [Fact]
    public void A_batch_without_a_list_is_refused_and_the_container_keeps_its_sessions()
    {
        Open();

        _container.Tell(new SessionBatch(null!));

        Assert.IsType<ArgumentNullException>(ExpectMsg<Status.Failure>().Cause);
        AssertSessionsHeld(1);
    }

    [Fact]
    public void A_batch_longer_than_the_limit_is_refused_as_a_whole()
    {
        var requests = Enumerable.Range(0, SessionBatch.MaxRequests + 1).Select(_ => (ISessionRequest)new OpenSession()).ToArray();

        _container.Tell(new SessionBatch(requests));

        Assert.IsType<ArgumentOutOfRangeException>(ExpectMsg<Status.Failure>().Cause);
        AssertSessionsHeld(0);
    }

    [Fact]
    public void A_batch_carries_delta_saves_too()
    {
        var session = Open();

        _container.Tell(new SessionBatch(
        [
            new UpdateSession(session.Id, SessionData.Empty.SetItem("a", [1])),
            new UpdateSession(session.Id, SessionData.Empty.SetItem("b", [2])),
        ]));

        var replies = ExpectMsg<SessionBatchHandled>().Replies;
        var last = Assert.IsType<SessionSaved>(replies[1]).Session;
        Assert.Equal(["a", "b"], last.Keys.Order());
        Assert.Equal(2, last.Version);
    }

    [Fact]
    public void An_empty_batch_is_answered_with_no_replies()
    {
        _container.Tell(new SessionBatch([]));

        Assert.Empty(ExpectMsg<SessionBatchHandled>().Replies);
    }

    private Session Open()
    {
        _container.Tell(new OpenSession());
        return ExpectMsg<SessionOpened>().Session;
    }

    private void AssertSessionsHeld(int count)
    {
        _container.Tell(GetSessionStats.Instance);
        Assert.Equal(count, ExpectMsg<SessionStats>().Count);
    }

    /// <summary>A request type the container does not know: a batch can carry it only because the marker is public.</summary>
    private sealed record ForeignRequest : ISessionRequest;
}
