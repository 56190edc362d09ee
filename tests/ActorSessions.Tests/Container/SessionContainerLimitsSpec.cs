using System.Collections.Immutable;
using ActorSessions.Tests.TestSupport;
using System.Text;

namespace ActorSessions.Tests.Container;

/// <summary>Per-session limits, held by the container itself: concurrent requests cannot pass them.</summary>
public sealed class SessionContainerLimitsSpec : ContainerSpecBase
{
    [Fact]
    public async Task A_thousand_concurrent_updates_of_one_session_leave_it_with_max_keys_and_refuse_the_rest()
    {
        var container = NewContainer(Settings(s => s with { MaxKeysPerSession = 50 }));
        var session = await OpenNew(container);

        // All sent before any answer is read, as 1,000 concurrent requests would be.
        var callers = CreateTestProbe();
        for (var i = 0; i < 1_000; i++)
        {
            container.Tell(new UpdateSession(session.Id, Set: Values(($"key-{i}", "v"))), callers.Ref);
        }

        var replies = callers.ReceiveN(1_000, AskTimeout);

        Assert.Equal(50, replies.Count(r => r is SessionSaved));
        Assert.Equal(950, replies.Count(r => r is Status.Failure { Cause: SessionTooLargeException }));
        Assert.Equal(50, (await Ask<SessionFound>(container, new GetSession(session.Id))).Session.Data.Count);
    }

    [Fact]
    public async Task An_update_over_max_keys_is_refused_with_the_limit_and_figures_and_changes_nothing()
    {
        var container = NewContainer(Settings(s => s with { MaxKeysPerSession = 2 }));
        var session = (await Ask<SessionSaved>(container, new UpdateSession((await OpenNew(container)).Id, Set: Values(("a", "1"))))).Session;

        var refused = await Ask<Status.Failure>(container, new UpdateSession(session.Id, Set: Values(("b", "2"), ("c", "3")), Remove: ["absent"]));

        var error = Assert.IsType<SessionTooLargeException>(refused.Cause);
        Assert.Equal(("max-keys-per-session", 2L, 3L), (error.Limit, error.Maximum, error.Attempted));
        Assert.Equal("The session would hold 3 keys; max-keys-per-session is 2. Nothing was changed.", error.Message);
        Assert.DoesNotContain(session.Id, error.Message, StringComparison.Ordinal);
        Assert.Equal(session, (await Ask<SessionFound>(container, new GetSession(session.Id))).Session);
    }

    [Fact]
    public async Task A_save_over_max_session_bytes_is_refused_and_changes_nothing()
    {
        // "ab" is 4 bytes (UTF-16) and its value 7: 11 bytes, one more than allowed.
        var container = NewContainer(Settings(s => s with { MaxSessionBytes = 10 }));
        var session = await OpenNew(container);

        var refused = await Ask<Status.Failure>(container, new SaveSession(session.SetString("ab", "1234567")));

        var error = Assert.IsType<SessionTooLargeException>(refused.Cause);
        Assert.Equal(("max-session-bytes", 10L, 11L), (error.Limit, error.Maximum, error.Attempted));
        Assert.DoesNotContain(session.Id, error.Message, StringComparison.Ordinal);
        var held = (await Ask<SessionFound>(container, new GetSession(session.Id))).Session;
        Assert.Equal((0, 0L), (held.Data.Count, held.Version));
    }

    [Fact]
    public async Task A_session_exactly_at_the_limits_is_taken()
    {
        var container = NewContainer(Settings(s => s with { MaxKeysPerSession = 1, MaxSessionBytes = 11 }));
        var session = await OpenNew(container);

        var saved = await Ask<SessionSaved>(container, new SaveSession(session.SetString("ab", "1234567")));

        Assert.Equal("1234567", saved.Session.GetString("ab"));
        Assert.Equal(11, (await Ask<SessionStats>(container, GetSessionStats.Instance)).DataBytes);
    }

    [Fact]
    public async Task A_write_that_shrinks_or_keeps_the_size_of_a_full_session_is_taken()
    {
        var container = NewContainer(Settings(s => s with { MaxKeysPerSession = 2 }));
        var session = (await Ask<SessionSaved>(container, new UpdateSession((await OpenNew(container)).Id, Set: Values(("a", "1"), ("b", "2"))))).Session;

        Assert.IsType<SessionSaved>(await Ask<object>(container, new UpdateSession(session.Id, Set: Values(("c", "3")), Remove: ["a"])));
        Assert.IsType<SessionSaved>(await Ask<object>(container, new UpdateSession(session.Id)));
        Assert.IsType<SessionSaved>(await Ask<object>(container, new UpdateSession(session.Id, Remove: ["b"])));
    }

    [Fact]
    public async Task A_session_factory_result_over_the_limits_creates_no_session()
    {
        var container = NewContainer(
            Settings(s => s with { MaxKeysPerSession = 1 }),
            factory: blank => blank.SetString("theme", "light").SetString("lang", "en"));

        var refused = await Ask<Status.Failure>(container, new OpenSession());

        Assert.Equal("max-keys-per-session", Assert.IsType<SessionTooLargeException>(refused.Cause).Limit);
        var stats = await Ask<SessionStats>(container, GetSessionStats.Instance);
        Assert.Equal((0, 0L), (stats.Count, stats.Created));
    }

    [Fact]
    public async Task In_a_batch_only_the_entry_over_a_limit_fails()
    {
        var container = NewContainer(Settings(s => s with { MaxKeysPerSession = 1 }));
        var first = await OpenNew(container);
        var second = await OpenNew(container);

        var handled = await Ask<SessionBatchHandled>(container, new SessionBatch(
        [
            new UpdateSession(first.Id, Set: Values(("a", "1"), ("b", "2"))),
            new UpdateSession(second.Id, Set: Values(("a", "1"))),
        ]));

        Assert.IsType<SessionTooLargeException>(Assert.IsType<Status.Failure>(handled.Replies[0]).Cause);
        Assert.Equal("1", Assert.IsType<SessionSaved>(handled.Replies[1]).Session.GetString("a"));
        Assert.True((await Ask<SessionFound>(container, new GetSession(first.Id))).Session.Data.IsEmpty);
    }

    [Fact]
    public async Task Stats_count_the_bytes_of_data_held_and_forget_them_when_a_session_ends()
    {
        var container = NewContainer();
        var kept = await OpenNew(container);
        var deleted = await OpenNew(container);
        await Ask<SessionSaved>(container, new SaveSession(kept.SetString("user", "ada")));       // 8 + 3
        await Ask<SessionSaved>(container, new UpdateSession(deleted.Id, Set: Values(("k", "12345")))); // 2 + 5

        Assert.Equal(18, (await Ask<SessionStats>(container, GetSessionStats.Instance)).DataBytes);
        await Ask<SessionDeleted>(container, new DeleteSession(deleted.Id));
        Assert.Equal(11, (await Ask<SessionStats>(container, GetSessionStats.Instance)).DataBytes);
    }

    private static SessionData Values(params (string Key, string Value)[] pairs) =>
        SessionData.CreateRange(pairs.Select(p => new KeyValuePair<string, ImmutableArray<byte>>(p.Key, [.. Encoding.UTF8.GetBytes(p.Value)])));
}
