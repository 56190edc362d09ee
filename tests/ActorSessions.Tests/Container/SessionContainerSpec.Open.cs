using System.Collections.Concurrent;
using ActorSessions.Tests.TestSupport;

namespace ActorSessions.Tests.Container;

public sealed partial class SessionContainerSpec : ContainerSpecBase
{
    [Fact]
    public async Task Open_without_id_creates_a_new_empty_session()
    {
        var container = NewContainer();

        var opened = await Ask<SessionOpened>(container, new OpenSession());

        Assert.True(opened.IsNew);
        Assert.Empty(opened.Session.Keys);
        Assert.Equal(0, opened.Session.Version);
        Assert.Equal(Start, opened.Session.CreatedAt);
        Assert.Equal(Start, opened.Session.LastModified);
    }

    [Fact]
    public async Task Open_with_a_held_id_opens_that_session()
    {
        var container = NewContainer();
        var first = await OpenNew(container);
        await Ask<SessionSaved>(container, new SaveSession(first.SetString("user", "ada")));

        var again = await Ask<SessionOpened>(container, new OpenSession(first.Id));

        Assert.False(again.IsNew);
        Assert.Equal(first.Id, again.Session.Id);
        Assert.Equal("ada", again.Session.GetString("user"));
    }

    [Fact]
    public async Task Open_with_unknown_id_issues_a_new_id()
    {
        var container = NewContainer();
        const string planted = "AAAAAAAAAAAAAAAAAAAA";

        var opened = await Ask<SessionOpened>(container, new OpenSession(planted));

        Assert.True(opened.IsNew);
        Assert.NotEqual(planted, opened.Session.Id);
    }

    public static TheoryData<string> Garbage() => new()
    {
        string.Empty,
        " ",
        new string('x', 1_000_000),
        "abc\r\nSet-Cookie: evil=1",
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a",
        "ääääääääääääääääääää",
        "../../../../etc/passwd",
        "AAAAAAAAAAAAAAAAAAA=",
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Open_with_garbage_id_opens_a_new_session_and_never_echoes_it(string garbage)
    {
        var container = NewContainer();

        var opened = await Ask<SessionOpened>(container, new OpenSession(garbage));

        Assert.True(opened.IsNew);
        Assert.NotEqual(garbage, opened.Session.Id);
        Assert.Matches("^[A-Za-z0-9_-]{20}$", opened.Session.Id);
    }

    [Fact]
    public async Task Open_with_a_deleted_id_issues_a_new_id()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        await Ask<SessionDeleted>(container, new DeleteSession(session.Id));

        var opened = await Ask<SessionOpened>(container, new OpenSession(session.Id));

        Assert.True(opened.IsNew);
        Assert.NotEqual(session.Id, opened.Session.Id);
    }

    [Fact]
    public async Task Open_with_an_expired_id_issues_a_new_id()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        Clock.Advance(SessionSettings.Default.IdleTimeout);

        var opened = await Ask<SessionOpened>(container, new OpenSession(session.Id));

        Assert.True(opened.IsNew);
        Assert.NotEqual(session.Id, opened.Session.Id);
    }

    [Fact]
    public async Task Ids_are_20_url_and_cookie_safe_characters_by_default()
    {
        var container = NewContainer();

        for (var i = 0; i < 200; i++)
        {
            Assert.Matches("^[A-Za-z0-9_-]{20}$", (await OpenNew(container)).Id);
        }
    }

    [Fact]
    public async Task Id_length_follows_the_settings()
    {
        var container = NewContainer(Settings(s => s with { SessionIdLength = 43 }));

        var session = await OpenNew(container);

        Assert.Matches("^[A-Za-z0-9_-]{43}$", session.Id);
        Assert.False((await Ask<SessionOpened>(container, new OpenSession(session.Id))).IsNew);
    }

    [Fact]
    public async Task Ids_use_the_whole_alphabet()
    {
        // 64 characters each drawn from 6 random bits: 2,000 ids (40,000 characters) show every one.
        var container = NewContainer();
        var seen = new HashSet<char>();
        for (var i = 0; i < 2_000; i++)
        {
            seen.UnionWith((await OpenNew(container)).Id);
        }

        Assert.Equal(64, seen.Count);
    }

    [Fact]
    public async Task Thousands_of_concurrent_opens_get_distinct_ids()
    {
        var container = NewContainer();
        var ids = new ConcurrentBag<string>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 5_000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            var opened = await Ask<SessionOpened>(container, new OpenSession());
            ids.Add(opened.Session.Id);
        });

        Assert.Equal(5_000, ids.Distinct().Count());
        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal(5_000, stats.Count);
    }

    [Fact]
    public void An_actor_can_talk_to_the_container_with_Tell()
    {
        var container = NewContainer();

        // TestActor is an actor like any other: the reply goes to the sender, no Ask involved.
        container.Tell(new OpenSession(), TestActor);
        var opened = ExpectMsg<SessionOpened>();
        container.Tell(new SaveSession(opened.Session.SetString("k", "v")), TestActor);
        ExpectMsg<SessionSaved>();
        container.Tell(new GetSession(opened.Session.Id), TestActor);

        Assert.Equal("v", ExpectMsg<SessionFound>().Session.GetString("k"));
    }

    [Fact]
    public async Task A_session_factory_gives_new_sessions_their_initial_data()
    {
        var container = NewContainer(factory: blank => blank.SetString("theme", "dark"));

        var session = await OpenNew(container);

        Assert.Equal("dark", session.GetString("theme"));
        var found = await Ask<SessionFound>(container, new GetSession(session.Id));
        Assert.Equal("dark", found.Session.GetString("theme"));
    }

    [Fact]
    public async Task A_failing_session_factory_fails_the_open_and_creates_nothing()
    {
        var fail = false;
        var container = NewContainer(factory: blank => fail ? throw new InvalidOperationException("boom") : blank);
        var kept = await OpenNew(container);
        fail = true;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Ask<SessionOpened>(container, new OpenSession()));

        Assert.IsType<InvalidOperationException>(error.InnerException);
        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal(1, stats.Count);
        Assert.False((await Ask<SessionOpened>(container, new OpenSession(kept.Id))).IsNew);
    }
}
