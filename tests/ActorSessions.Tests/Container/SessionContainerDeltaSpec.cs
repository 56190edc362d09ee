using System.Collections.Immutable;
using System.Text;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Time.Testing;

namespace ActorSessions.Tests.Container;

public sealed class SessionContainerDeltaSpec : TestKit
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly IActorRef _container;

    public SessionContainerDeltaSpec()
    {
        var settings = SessionSettings.Default with { IdleTimeout = TimeSpan.FromMinutes(10), CleanupInterval = TimeSpan.FromHours(1) };
        _container = Sys.ActorOf(SessionContainer.Props(settings, _time));
    }

    [Fact]
    public void Updates_that_change_different_keys_both_keep_their_writes()
    {
        var session = Open();

        // Two tabs read the same version, then each writes its own key.
        _container.Tell(new UpdateSession(session.Id, Set: Values(("tab-a", "1"))));
        ExpectMsg<SessionSaved>();
        _container.Tell(new UpdateSession(session.Id, Set: Values(("tab-b", "2"))));
        var saved = ExpectMsg<SessionSaved>();

        Assert.Equal("1", saved.Session.GetString("tab-a"));
        Assert.Equal("2", saved.Session.GetString("tab-b"));
    }

    [Fact]
    public void Update_leaves_keys_it_does_not_name_as_they_are()
    {
        var session = Seed(("keep", "k"), ("change", "old"));

        _container.Tell(new UpdateSession(session.Id, Set: Values(("change", "new"))));
        var saved = ExpectMsg<SessionSaved>();

        Assert.Equal("k", saved.Session.GetString("keep"));
        Assert.Equal("new", saved.Session.GetString("change"));
    }

    [Fact]
    public void Remove_deletes_only_the_named_keys()
    {
        var session = Seed(("a", "1"), ("b", "2"));

        _container.Tell(new UpdateSession(session.Id, Remove: ["a", "absent"]));
        var saved = ExpectMsg<SessionSaved>();

        Assert.Equal(["b"], saved.Session.Keys);
    }

    [Fact]
    public void Clear_runs_before_remove_and_set()
    {
        var session = Seed(("a", "1"), ("b", "2"));

        _container.Tell(new UpdateSession(session.Id, Set: Values(("c", "3")), Remove: ["c"], Clear: true));
        var saved = ExpectMsg<SessionSaved>();

        Assert.Equal(["c"], saved.Session.Keys);
    }

    [Fact]
    public void Keys_that_differ_only_in_case_are_different_keys()
    {
        var session = Seed(("Key", "upper"));

        _container.Tell(new UpdateSession(session.Id, Set: Values(("key", "lower"))));
        var saved = ExpectMsg<SessionSaved>();

        Assert.Equal("upper", saved.Session.GetString("Key"));
        Assert.Equal("lower", saved.Session.GetString("key"));
    }

    [Fact]
    public void A_change_increments_the_version()
    {
        var session = Open();

        _container.Tell(new UpdateSession(session.Id, Set: Values(("a", "1"))));

        Assert.Equal(session.Version + 1, ExpectMsg<SessionSaved>().Session.Version);
    }

    [Fact]
    public void An_empty_update_touches_without_a_new_version()
    {
        var session = Open();
        _time.Advance(TimeSpan.FromMinutes(9));

        _container.Tell(new UpdateSession(session.Id));
        var touched = ExpectMsg<SessionSaved>();
        _time.Advance(TimeSpan.FromMinutes(9));
        _container.Tell(new GetSession(session.Id));

        Assert.Equal(session.Version, touched.Session.Version);
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromMinutes(9), touched.Session.LastModified);
        ExpectMsg<SessionFound>();
    }

    [Fact]
    public void Update_of_an_unknown_session_is_not_found_and_creates_nothing()
    {
        _container.Tell(new UpdateSession("AAAAAAAAAAAAAAAAAAAA", Set: Values(("a", "1"))));
        ExpectMsg<SessionNotFound>();

        _container.Tell(GetSessionStats.Instance);
        Assert.Equal(0, ExpectMsg<SessionStats>().Count);
    }

    [Fact]
    public void Update_of_an_expired_session_is_not_found()
    {
        var session = Open();
        _time.Advance(TimeSpan.FromMinutes(10));

        _container.Tell(new UpdateSession(session.Id, Set: Values(("a", "1"))));

        Assert.Equal(session.Id, ExpectMsg<SessionNotFound>().SessionId);
    }

    [Fact]
    public void Update_with_a_null_key_to_remove_is_refused()
    {
        var session = Seed(("a", "1"));

        _container.Tell(new UpdateSession(session.Id, Remove: [null!]));

        Assert.IsType<ArgumentException>(ExpectMsg<Status.Failure>().Cause);
    }

    [Fact]
    public void Update_without_an_id_is_refused_and_the_container_keeps_running()
    {
        var session = Seed(("a", "1"));

        _container.Tell(new UpdateSession(null!, Set: Values(("a", "2"))));
        ExpectMsg<Status.Failure>();
        _container.Tell(new GetSession(session.Id));

        Assert.Equal("1", ExpectMsg<SessionFound>().Session.GetString("a"));
    }

    [Fact]
    public async Task Client_update_returns_the_saved_session_and_throws_when_not_found()
    {
        var client = new SessionClient(_container);
        var session = (await client.OpenAsync()).Session;

        var saved = await client.UpdateAsync(new UpdateSession(session.Id, Set: Values(("a", "1"))));

        Assert.Equal("1", saved.Session.GetString("a"));
        await Assert.ThrowsAsync<SessionNotFoundException>(() => client.UpdateAsync(new UpdateSession("BBBBBBBBBBBBBBBBBBBB")));
    }

    private Session Open()
    {
        _container.Tell(new OpenSession());
        return ExpectMsg<SessionOpened>().Session;
    }

    private Session Seed(params (string Key, string Value)[] values)
    {
        var session = Open();
        _container.Tell(new UpdateSession(session.Id, Set: Values(values)));
        return ExpectMsg<SessionSaved>().Session;
    }

    private static SessionData Values(params (string Key, string Value)[] values) =>
        values.Aggregate(SessionData.Empty, (map, kv) => map.SetItem(kv.Key, Bytes(kv.Value)));

    private static ImmutableArray<byte> Bytes(string text) => [.. Encoding.UTF8.GetBytes(text)];
}
