using System.Collections.Immutable;
using ActorSessions.Tests.TestSupport;

namespace ActorSessions.Tests.Container;

/// <summary>
/// Eviction is a segmented LRU: sessions used again by a later request are protected from a flood of
/// sessions used once, at <c>max-sessions</c> and under <c>max-memory</c>.
/// </summary>
public sealed class SessionContainerEvictionSpec : ContainerSpecBase
{
    private static readonly TimeSpan Later = SessionSettings.Default.PromoteAfter;

    [Fact]
    public async Task Sessions_used_in_more_than_one_request_survive_a_flood_of_ten_times_max_sessions_used_once()
    {
        const int MaxSessions = 100;
        var container = NewContainer(Settings(s => s with { MaxSessions = MaxSessions }));
        var users = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            users.Add((await OpenNew(container)).Id);
        }

        Clock.Advance(Later);
        foreach (var user in users)
        {
            await Ask<SessionSaved>(container, new UpdateSession(user)); // their next request
        }

        // Each flood session is created and written at once, as one web request does, and never seen again.
        for (var i = 0; i < MaxSessions * 10; i++)
        {
            var flood = await OpenNew(container);
            await Ask<SessionSaved>(container, new UpdateSession(flood.Id, Set: Value("k")));
            Clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        foreach (var user in users)
        {
            Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(user)));
        }

        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal(MaxSessions, stats.Count);
        Assert.Equal((MaxSessions * 10) - (MaxSessions - users.Count), stats.Evicted);
    }

    [Fact]
    public async Task A_session_loaded_again_by_its_id_is_protected_however_soon_it_comes_back()
    {
        const int MaxSessions = 10;
        var container = NewContainer(Settings(s => s with { MaxSessions = MaxSessions }));
        var user = await OpenNew(container);
        await Ask<SessionSaved>(container, new UpdateSession(user.Id, Set: Value("k"))); // its first request's write
        await Ask<SessionSaved>(container, new UpdateSession(user.Id));                // the next request's load, at once

        for (var i = 0; i < MaxSessions * 3; i++)
        {
            var flood = await OpenNew(container);
            await Ask<SessionSaved>(container, new UpdateSession(flood.Id, Set: Value("k")));
        }

        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(user.Id)));
    }

    [Fact]
    public async Task Without_a_later_request_the_oldest_session_is_evicted_as_in_plain_LRU()
    {
        var container = NewContainer(Settings(s => s with { MaxSessions = 2 }));
        var first = await OpenNew(container);
        var second = await OpenNew(container);
        await Ask<SessionOpened>(container, new OpenSession(first.Id)); // too soon after creation to count as a second use

        await OpenNew(container);

        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(first.Id)));
        Assert.IsType<SessionNotFound>(await Ask<object>(container, new GetSession(second.Id)));
    }

    [Fact]
    public async Task A_protected_session_idle_longer_outlives_newer_sessions_on_probation()
    {
        var container = NewContainer(Settings(s => s with { MaxSessions = 3 }));
        var user = await OpenNew(container);
        Clock.Advance(Later);
        await Ask<SessionOpened>(container, new OpenSession(user.Id));
        Clock.Advance(TimeSpan.FromMinutes(5));
        var once = await OpenNew(container);
        await OpenNew(container);

        await OpenNew(container);

        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(user.Id)));
        Assert.IsType<SessionNotFound>(await Ask<object>(container, new GetSession(once.Id)));
    }

    [Fact]
    public async Task When_the_protected_segment_is_full_its_least_recent_session_goes_back_to_probation_and_is_evicted_first()
    {
        // max-sessions 5: the protected segment holds 4.
        var container = NewContainer(Settings(s => s with { MaxSessions = 5 }));
        var sessions = new List<Session>();
        for (var i = 0; i < 5; i++)
        {
            sessions.Add(await OpenNew(container));
        }

        Clock.Advance(Later);
        foreach (var s in sessions)
        {
            await Ask<SessionOpened>(container, new OpenSession(s.Id));
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        await OpenNew(container);

        Assert.IsType<SessionNotFound>(await Ask<object>(container, new GetSession(sessions[0].Id)));
        foreach (var s in sessions.Skip(1))
        {
            Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(s.Id)));
        }
    }

    [Fact]
    public async Task Over_max_memory_a_new_session_evicts_sessions_on_probation_first()
    {
        // Three empty sessions fill 480 bytes; a fourth needs room.
        var container = NewContainer(Settings(s => s with { MaxMemory = 3 * 160 }));
        var user = await OpenNew(container);
        Clock.Advance(Later);
        await Ask<SessionOpened>(container, new OpenSession(user.Id));
        var once = await OpenNew(container);
        var twice = await OpenNew(container);

        await OpenNew(container);

        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(user.Id)));
        Assert.IsType<SessionNotFound>(await Ask<object>(container, new GetSession(once.Id)));
        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(twice.Id)));
        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal((3, 1L), (stats.Count, stats.Evicted));
    }

    [Fact]
    public async Task A_write_that_passes_max_memory_evicts_other_sessions_never_the_one_written()
    {
        // Three empty sessions, and room for one key of 100 bytes (64 more for its headers).
        var container = NewContainer(Settings(s => s with { MaxMemory = (3 * 160) + 64 + 100 }));
        var written = await OpenNew(container); // the least recent on probation, yet it is the one writing
        var other = await OpenNew(container);
        var third = await OpenNew(container);

        // "k" (2 bytes) and 98 bytes fill the budget exactly; one more byte needs a session to go.
        await Ask<SessionSaved>(container, new UpdateSession(written.Id, Set: Value("k", 98)));
        Assert.Equal(0, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Evicted);
        await Ask<SessionSaved>(container, new UpdateSession(written.Id, Set: Value("k", 99)));

        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(written.Id)));
        Assert.IsType<SessionNotFound>(await Ask<object>(container, new GetSession(other.Id)));
        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(third.Id)));
        Assert.Equal(101, (await Ask<SessionStats>(container, GetSessionStats.Instance)).DataBytes);
    }

    [Fact]
    public async Task At_max_memory_an_expired_session_makes_room_before_a_live_one_is_evicted()
    {
        var container = NewContainer(Settings(s => s with { MaxMemory = 2 * 160, IdleTimeout = TimeSpan.FromMinutes(10) }));
        await OpenNew(container);
        Clock.Advance(TimeSpan.FromMinutes(9));
        var live = await OpenNew(container);
        Clock.Advance(TimeSpan.FromMinutes(1));

        await OpenNew(container);

        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal((1L, 0L), (stats.Expired, stats.Evicted));
        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(live.Id)));
    }

    [Fact]
    public async Task A_write_that_could_not_fit_in_max_memory_even_alone_is_refused_and_evicts_nothing()
    {
        var container = NewContainer(Settings(s => s with { MaxMemory = 1_000 }));
        var other = await OpenNew(container);
        var session = await OpenNew(container);

        // 2 + 775 bytes of data, 64 for the key, 160 for the session: 1,001.
        var refused = await Ask<Status.Failure>(container, new UpdateSession(session.Id, Set: Value("k", 775)));

        var error = Assert.IsType<SessionTooLargeException>(refused.Cause);
        Assert.Equal(("max-memory", 1_000L, 1_001L), (error.Limit, error.Maximum, error.Attempted));
        Assert.IsType<SessionFound>(await Ask<object>(container, new GetSession(other.Id)));
        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal((2, 0L, 0L), (stats.Count, stats.Evicted, stats.DataBytes));
    }

    private static SessionData Value(string key, int bytes = 1) =>
        SessionData.Empty.SetItem(key, ImmutableArray.Create(new byte[bytes]));
}
