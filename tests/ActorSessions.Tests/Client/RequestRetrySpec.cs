using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Time.Testing;

namespace ActorSessions.Tests.Client;

/// <summary>
/// A call with no answer within half its timeout is sent once more when its request is safe to send twice
/// (a message dropped in a shard hand-off), and only an answer that settles the call whatever became of the
/// other copy completes it. The probe is the container; the fake clock drives the client's one timer.
/// </summary>
public sealed class RequestRetrySpec : TestKit
{
    private const string Id = "retried-session-id-00";
    private const string OtherId = "other-session-id-0000";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly SessionClientSettings Settings = new() { RequestTimeout = TimeSpan.FromSeconds(2) };

    // The client's timer ticks every 100 ms at a 2 s timeout; a resend goes on the tick after half of it.
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new();
    private readonly TestProbe _probe;

    public RequestRetrySpec()
    {
        _probe = CreateTestProbe();
    }

    [Fact]
    public async Task A_read_whose_message_was_dropped_is_sent_again_after_half_the_timeout_and_the_copy_answers_it()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time);
        var call = client.GetAsync(Id);
        _probe.ExpectMsg<GetSession>(m => m.SessionId == Id);

        // Not before half the timeout: a call made now goes out next, with nothing resent ahead of it.
        _time.Advance((Settings.RequestTimeout / 2) - Tick - Tick);
        _ = client.GetAsync(OtherId);
        _probe.ExpectMsg<GetSession>(m => m.SessionId == OtherId);

        _time.Advance(Tick * 3);
        _probe.ExpectMsg<GetSession>(m => m.SessionId == Id);
        var reply = Found(Id, version: 1);
        _probe.Reply(reply);

        Assert.Same(reply, await call.WaitAsync(Bound));
        Assert.Equal(1, client.Resent);
    }

    [Fact]
    public async Task A_late_answer_to_the_first_message_after_the_copy_answered_is_dropped()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time);
        var call = client.TouchAsync(Id);
        _probe.ExpectMsg<TouchSession>();
        var first = _probe.LastSender;
        _time.Advance((Settings.RequestTimeout / 2) + Tick);
        _probe.ExpectMsg<TouchSession>();
        var copy = Found(Id, version: 1);
        _probe.Reply(copy);
        Assert.Same(copy, await call.WaitAsync(Bound));

        first.Tell(Found(Id, version: 2));

        // The late answer changed nothing, and the first message's place carries the next call.
        Assert.Same(copy, await call);
        var next = client.GetAsync(OtherId);
        _probe.ExpectMsg<GetSession>(m => m.SessionId == OtherId);
        _probe.Reply(Found(OtherId, version: 3));
        Assert.Equal(3, (await next.WaitAsync(Bound)).Session.Version);
    }

    [Fact]
    public async Task When_the_first_message_answers_after_all_the_copys_later_answer_is_dropped()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time);
        var call = client.GetAsync(Id);
        _probe.ExpectMsg<GetSession>();
        var first = _probe.LastSender;
        _time.Advance((Settings.RequestTimeout / 2) + Tick);
        _probe.ExpectMsg<GetSession>();
        var copy = _probe.LastSender;

        var answer = Found(Id, version: 1);
        first.Tell(answer);
        Assert.Same(answer, await call.WaitAsync(Bound));
        copy.Tell(Found(Id, version: 2));

        Assert.Same(answer, await call);
    }

    [Fact]
    public async Task A_version_checked_save_takes_a_conflict_from_one_copy_only_once_the_other_has_answered()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time);
        var save = client.SaveAsync(Session(Id, version: 4), checkVersion: true);
        _probe.ExpectMsg<SessionBatch>();
        var first = _probe.LastSender;
        var read = client.GetAsync(OtherId);
        _probe.ExpectMsg<GetSession>();

        // Both are late: resent together, in the order they were made.
        _time.Advance((Settings.RequestTimeout / 2) + Tick);
        var resent = _probe.ExpectMsg<SessionBatch>();
        Assert.Collection(
            resent.Requests,
            r => Assert.Equal(Id, Assert.IsType<SaveSession>(r).Session.Id),
            r => Assert.Equal(OtherId, Assert.IsType<GetSession>(r).SessionId));

        // The copy's conflict may be the first message's own write showing: it does not answer the caller.
        _probe.Reply(new SessionBatchHandled([new SessionVersionConflict(Session(Id, version: 5), 4), Found(OtherId, version: 1)]));
        await read.WaitAsync(Bound);
        Assert.False(save.IsCompleted);

        var saved = new SessionSaved(Session(Id, version: 5));
        first.Tell(new SessionBatchHandled([saved]));
        Assert.Same(saved, await save.WaitAsync(Bound));
    }

    [Fact]
    public async Task A_version_checked_save_whose_copies_are_both_refused_fails_with_the_conflict()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time);
        var save = client.SaveAsync(Session(Id, version: 4), checkVersion: true);
        _probe.ExpectMsg<SessionBatch>();
        var first = _probe.LastSender;
        _time.Advance((Settings.RequestTimeout / 2) + Tick);
        _probe.ExpectMsg<SessionBatch>();
        var saved = new SessionSaved(Session(Id, version: 5));

        // The copy wrote: conclusive at once, and the first message's refusal that follows is dropped.
        _probe.Reply(new SessionBatchHandled([saved]));
        Assert.Same(saved, await save.WaitAsync(Bound));
        first.Tell(new SessionBatchHandled([new SessionVersionConflict(Session(Id, version: 5), 4)]));
        Assert.Same(saved, await save);

        // Another save, refused by both copies: neither wrote, so the refusal is the answer.
        var refused = client.SaveAsync(Session(OtherId, version: 1), checkVersion: true);
        _probe.ExpectMsg<SessionBatch>();
        var again = _probe.LastSender;
        _time.Advance((Settings.RequestTimeout / 2) + Tick);
        _probe.ExpectMsg<SessionBatch>();
        _probe.Reply(new SessionBatchHandled([new SessionVersionConflict(Session(OtherId, version: 2), 1)]));
        again.Tell(new SessionBatchHandled([new SessionVersionConflict(Session(OtherId, version: 2), 1)]));

        await Assert.ThrowsAsync<SessionVersionConflictException>(() => refused.WaitAsync(Bound));
    }

    [Fact]
    public async Task A_delete_takes_existed_false_from_one_copy_only_once_the_other_has_answered()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time);
        var delete = client.DeleteAsync(Id);
        _probe.ExpectMsg<SessionBatch>();
        var first = _probe.LastSender;
        var read = client.GetAsync(OtherId);
        _probe.ExpectMsg<GetSession>();
        _time.Advance((Settings.RequestTimeout / 2) + Tick);
        _probe.ExpectMsg<SessionBatch>();

        // The copy found nothing to delete: perhaps because the first message deleted it.
        _probe.Reply(new SessionBatchHandled([new SessionDeleted(Id, Existed: false), Found(OtherId, version: 1)]));
        await read.WaitAsync(Bound);
        Assert.False(delete.IsCompleted);

        first.Tell(new SessionBatchHandled([new SessionDeleted(Id, Existed: true)]));
        Assert.True((await delete.WaitAsync(Bound)).Existed);
    }

    [Fact]
    public async Task A_resent_call_that_neither_copy_answers_fails_after_its_one_timeout()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time);
        var call = client.RenewAsync(Id);
        _probe.ExpectMsg<SessionBatch>();
        _time.Advance((Settings.RequestTimeout / 2) + Tick);
        _probe.ExpectMsg<SessionBatch>();

        // A refusal from the copy alone is not the answer: the first message may have renewed the session.
        _probe.Reply(new SessionBatchHandled([new SessionNotFound(Id) { Retired = true }]));
        _time.Advance((Settings.RequestTimeout / 2) - Tick - Tick);
        _probe.ExpectNoMsg(TimeSpan.Zero);

        _time.Advance(Tick * 3);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(Bound));
        Assert.Contains(nameof(RenewSessionId), error.Message);
        Assert.Equal(1, client.Resent);
    }

    [Fact]
    public async Task A_batch_answered_in_parts_completes_each_call_with_its_part_and_a_lost_part_holds_back_only_its_own()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time, maxInFlight: 1);
        var first = client.GetAsync(Id);
        _probe.ExpectMsg<GetSession>();
        var firstSender = _probe.LastSender;
        var save = client.SaveAsync(Session(OtherId, version: 1), checkVersion: true);
        var delta = client.UpdateAsync(new UpdateSession(Id, SessionData.Empty.SetItem("k", [1])));
        var read = client.GetAsync(OtherId);
        firstSender.Tell(Found(Id, version: 1));
        await first.WaitAsync(Bound);

        var batch = _probe.ExpectMsg<SessionBatch>();
        Assert.True(batch.AnswerInParts);
        Assert.Equal(3, batch.Requests.Count);

        // The save's and the delta's partition answers; the read's part was lost in a hand-off.
        var saved = new SessionSaved(Session(OtherId, version: 2));
        var updated = new SessionSaved(Session(Id, version: 2));
        _probe.Reply(new SessionBatchPartHandled([0, 1], [saved, updated]));
        Assert.Same(saved, await save.WaitAsync(Bound));
        Assert.Same(updated, await delta.WaitAsync(Bound));
        Assert.False(read.IsCompleted);

        // Only the read is resent, and the copy answers it.
        _time.Advance((Settings.RequestTimeout / 2) + Tick);
        Assert.Equal(OtherId, _probe.ExpectMsg<GetSession>().SessionId);
        var found = Found(OtherId, version: 2);
        _probe.Reply(found);
        Assert.Same(found, await read.WaitAsync(Bound));
    }

    [Fact]
    public async Task A_message_answered_in_parts_frees_its_place_once_every_part_is_in()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time, maxInFlight: 1);
        var first = client.GetAsync(Id);
        _probe.ExpectMsg<GetSession>();
        var firstSender = _probe.LastSender;
        var calls = new[] { client.GetAsync("part-one-session-id-0"), client.GetAsync("part-two-session-id-0") };
        firstSender.Tell(Found(Id, version: 1));
        await first.WaitAsync(Bound);
        _probe.ExpectMsg<SessionBatch>();
        var batchSender = _probe.LastSender;
        var queued = client.GetAsync("queued-session-id-000");

        batchSender.Tell(new SessionBatchPartHandled([1], [Found("part-two-session-id-0", version: 1)]));
        await calls[1].WaitAsync(Bound);
        batchSender.Tell(new SessionBatchPartHandled([0], [Found("part-one-session-id-0", version: 1)]));
        await calls[0].WaitAsync(Bound);

        // The one place was taken until the last part came; then the queued call went out.
        Assert.Equal("queued-session-id-000", _probe.ExpectMsg<GetSession>().SessionId);
    }

    public static TheoryData<string> Unsafe => ["open an id", "open a new session", "create", "unchecked save", "delta"];

    [Theory]
    [MemberData(nameof(Unsafe))]
    public async Task A_request_whose_second_copy_could_create_or_overwrite_is_never_sent_twice(string request)
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time);
        Task call = request switch
        {
            "open an id" => client.OpenAsync(Id),
            "open a new session" => client.OpenAsync(),
            "create" => client.CreateAsync(new CreateSession(SessionData.Empty.SetItem("k", [1]))),
            "unchecked save" => client.SaveAsync(Session(Id, version: 1)),
            _ => client.UpdateAsync(new UpdateSession(Id, SessionData.Empty.SetItem("k", [1]))),
        };
        _probe.ExpectMsg<object>();

        // Past the point a safe request would have been resent: the next message is the next call's.
        _time.Advance((Settings.RequestTimeout / 2) + Tick + Tick);
        _ = client.GetAsync(OtherId);
        _probe.ExpectMsg<GetSession>(m => m.SessionId == OtherId);
        Assert.Equal(0, client.Resent);

        _time.Advance(Settings.RequestTimeout);
        await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(Bound));
    }

    private Session Session(string id, long version) => new(id, _time.GetUtcNow(), _time.GetUtcNow(), version, SessionData.Empty);

    private SessionFound Found(string id, long version) => new(Session(id, version));
}
