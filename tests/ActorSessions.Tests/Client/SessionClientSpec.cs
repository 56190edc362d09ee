using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Time.Testing;

namespace ActorSessions.Tests.Client;

public sealed class SessionClientSpec : TestKit
{
    private const string FirstId = "first-session-id-0000";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly SessionClientSettings Settings = new() { RequestTimeout = TimeSpan.FromSeconds(2) };

    private readonly FakeTimeProvider _time = new();
    private readonly TestProbe _probe;

    public SessionClientSpec()
    {
        _probe = CreateTestProbe();
    }

    [Fact]
    public async Task A_lone_call_goes_out_at_once_as_a_plain_message()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time);

        // The fake clock never moves: a call that waited for a timer to fill a batch would never be sent.
        var call = client.OpenAsync("AAAAAAAAAAAAAAAAAAAA");

        Assert.Equal("AAAAAAAAAAAAAAAAAAAA", _probe.ExpectMsg<OpenSession>().SessionId);
        var reply = Opened("AAAAAAAAAAAAAAAAAAAA");
        _probe.Reply(reply);
        Assert.Same(reply, await call.WaitAsync(Bound));
    }

    [Fact]
    public async Task A_lone_write_goes_out_as_a_batch_of_one_saying_when_its_caller_stops_waiting()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time);
        var before = System.Diagnostics.Stopwatch.GetTimestamp();

        var call = client.OpenAsync();

        var batch = _probe.ExpectMsg<SessionBatch>();
        Assert.IsType<OpenSession>(Assert.Single(batch.Requests));
        Assert.InRange(
            batch.AnswerBy - before,
            (long)(Settings.RequestTimeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency),
            (long)((Settings.RequestTimeout + Bound).TotalSeconds * System.Diagnostics.Stopwatch.Frequency));
        var reply = Opened(FirstId);
        _probe.Reply(new SessionBatchHandled([reply]));
        Assert.Same(reply, await call.WaitAsync(Bound));
    }

    [Fact]
    public async Task A_callers_code_never_runs_inside_the_containers_turn()
    {
        // The caller's code waits for the "container" to finish the turn in which it answered: run inside
        // the reply's Tell, it would wait for a turn that cannot end until it returns.
        using var turnOver = new ManualResetEventSlim();
        var container = Sys.ActorOf(Props.Create(() => new AnswerThenEndTurn(turnOver)));
        using var client = new SessionClient(container, Settings, _time);

        var caller = client.OpenAsync("AAAAAAAAAAAAAAAAAAAA").ContinueWith(
            call => call.IsCompletedSuccessfully && turnOver.Wait(Bound),
            TaskContinuationOptions.ExecuteSynchronously);

        Assert.True(await caller.WaitAsync(Bound * 2), "the caller's code ran inside the container's turn");
    }

    [Fact]
    public async Task Calls_made_while_a_message_is_in_flight_go_out_together_and_each_gets_its_own_reply()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time, maxInFlight: 1);
        var (first, sender) = SendFirst(client);

        var ids = QueuedIds(10);
        var calls = ids.Select(id => client.OpenAsync(id)).ToArray();
        sender.Tell(Opened(FirstId));

        var batch = _probe.ExpectMsg<SessionBatch>();
        Assert.Equal(ids, batch.Requests.Cast<OpenSession>().Select(r => r.SessionId));
        _probe.Reply(new SessionBatchHandled(ids.Select(id => (object)Opened(id)).ToArray()));

        Assert.Equal(FirstId, (await first.WaitAsync(Bound)).Session.Id);
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal(ids[i], (await calls[i].WaitAsync(Bound)).Session.Id);
        }
    }

    [Fact]
    public async Task A_queue_longer_than_one_batch_goes_out_in_order_in_several()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time, maxInFlight: 1);
        var (first, sender) = SendFirst(client);
        var ids = QueuedIds(RequestCoalescer.MaxBatchSize + 44);
        var calls = ids.Select(id => client.GetAsync(id)).ToArray();

        sender.Tell(Opened(FirstId));
        var batch1 = _probe.ExpectMsg<SessionBatch>();
        _probe.Reply(new SessionBatchHandled(batch1.Requests.Select(r => (object)new SessionFound(Opened(((GetSession)r).SessionId).Session)).ToArray()));
        var batch2 = _probe.ExpectMsg<SessionBatch>();
        _probe.Reply(new SessionBatchHandled(batch2.Requests.Select(r => (object)new SessionFound(Opened(((GetSession)r).SessionId).Session)).ToArray()));

        Assert.Equal(RequestCoalescer.MaxBatchSize, batch1.Requests.Count);
        Assert.Equal(44, batch2.Requests.Count);
        Assert.Equal(ids, batch1.Requests.Concat(batch2.Requests).Cast<GetSession>().Select(g => g.SessionId));
        await first.WaitAsync(Bound);
        Assert.Equal(ids, (await Task.WhenAll(calls).WaitAsync(Bound)).Select(f => f.Session.Id));
    }

    [Fact]
    public async Task A_failure_in_one_slot_of_a_batch_fails_only_that_call()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time, maxInFlight: 1);
        var (first, sender) = SendFirst(client);
        var good = client.GetAsync("good-session-id-00000");
        var bad = client.GetAsync("bad-session-id-000000");
        sender.Tell(Opened(FirstId));

        _probe.ExpectMsg<SessionBatch>();
        _probe.Reply(new SessionBatchHandled(
        [
            new SessionFound(Opened("good-session-id-00000").Session),
            new Status.Failure(new ArgumentException("refused")),
        ]));

        await first.WaitAsync(Bound);
        Assert.Equal("good-session-id-00000", (await good.WaitAsync(Bound)).Session.Id);
        Assert.Equal("refused", (await Assert.ThrowsAsync<ArgumentException>(() => bad.WaitAsync(Bound))).Message);
    }

    [Fact]
    public async Task A_caller_whose_code_blocks_does_not_hold_up_the_rest_of_its_batch()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time, maxInFlight: 1);
        var (first, sender) = SendFirst(client);
        var ids = QueuedIds(10);
        var calls = ids.Select(id => client.OpenAsync(id)).ToArray();

        // The first caller whose code runs blocks its thread until every other call of the batch has
        // completed: handed out one after another on that thread, the batch would never finish.
        using var othersDone = new CountdownEvent(calls.Length - 1);
        var blocking = 0;
        var callers = calls.Select(call => call.ContinueWith(
            _ =>
            {
                if (Interlocked.Exchange(ref blocking, 1) == 0)
                {
                    return othersDone.Wait(Bound);
                }

                othersDone.Signal();
                return true;
            },
            TaskContinuationOptions.ExecuteSynchronously)).ToArray();
        sender.Tell(Opened(FirstId));
        _probe.ExpectMsg<SessionBatch>();
        _probe.Reply(new SessionBatchHandled(ids.Select(id => (object)Opened(id)).ToArray()));

        Assert.All(await Task.WhenAll(callers).WaitAsync(Bound), handedOut => Assert.True(handedOut, "the calls behind a blocked caller were never handed out"));
        Assert.Equal(ids, calls.Select(c => c.Result.Session.Id));
        await first.WaitAsync(Bound);
    }

    [Fact]
    public async Task Many_concurrent_calls_against_a_container_each_complete_with_their_own_session()
    {
        var container = Sys.ActorOf(SessionContainer.Props(SessionSettings.Default));
        using var client = new SessionClient(container, Settings);
        var sessions = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => client.OpenAsync()));

        var reopened = await Task.WhenAll(sessions.Select(s => Task.Run(() => client.OpenAsync(s.Session.Id)))).WaitAsync(Bound);
        var saved = await Task.WhenAll(reopened.Select(s => Task.Run(() => client.SaveAsync(s.Session.SetString("me", s.Session.Id))))).WaitAsync(Bound);

        Assert.Equal(sessions.Select(s => s.Session.Id), reopened.Select(s => s.Session.Id));
        Assert.All(reopened, r => Assert.False(r.IsNew));
        Assert.All(saved, s => Assert.Equal(s.Session.Id, s.Session.GetString("me")));
        Assert.Equal(64, (await client.GetStatsAsync()).Count);
    }

    [Fact]
    public async Task A_call_the_container_does_not_answer_fails_with_a_timeout()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time);
        var call = client.OpenAsync(FirstId);
        _probe.ExpectMsg<OpenSession>();

        _time.Advance(Settings.RequestTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(250));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(Bound));
        Assert.Contains(nameof(OpenSession), error.Message);
    }

    [Fact]
    public async Task Calls_queued_behind_an_unanswered_message_time_out_and_free_the_client_for_the_next_call()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time, maxInFlight: 1);
        var lost = client.OpenAsync(FirstId);
        _probe.ExpectMsg<OpenSession>();
        var queued = client.GetAsync("queued-session-id-000");

        _time.Advance(Settings.RequestTimeout + TimeSpan.FromMilliseconds(250));
        await Assert.ThrowsAsync<TimeoutException>(() => lost.WaitAsync(Bound));
        await Assert.ThrowsAsync<TimeoutException>(() => queued.WaitAsync(Bound));

        var next = client.GetAsync("next-session-id-00000");
        Assert.Equal("next-session-id-00000", _probe.ExpectMsg<GetSession>().SessionId);
        _probe.Reply(new SessionFound(Opened("next-session-id-00000").Session));
        Assert.Equal("next-session-id-00000", (await next.WaitAsync(Bound)).Session.Id);
    }

    [Fact]
    public async Task A_message_answered_hands_its_reply_address_to_the_next_but_one_given_up_on_never_does()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time, maxInFlight: 1);
        var first = client.GetAsync(FirstId);
        _probe.ExpectMsg<GetSession>();
        var answered = _probe.LastSender;
        _probe.Reply(new SessionFound(Opened(FirstId).Session));
        await first.WaitAsync(Bound);

        // The next message goes out from the same reply address: no temporary actor per message. (An open,
        // which is never resent: a resent read would be answered through a reply address of its own.)
        var lost = client.OpenAsync("lost-session-id-00000");
        _probe.ExpectMsg<OpenSession>();
        Assert.Equal(answered, _probe.LastSender);

        // That one times out; its reply, if it ever comes, must not answer a later call.
        _time.Advance(Settings.RequestTimeout + TimeSpan.FromMilliseconds(250));
        await Assert.ThrowsAsync<TimeoutException>(() => lost.WaitAsync(Bound));
        var next = client.GetAsync("next-session-id-00000");
        _probe.ExpectMsg<GetSession>();
        var nextSender = _probe.LastSender;
        Assert.NotEqual(answered, nextSender);

        answered.Tell(Opened("lost-session-id-00000"));
        nextSender.Tell(new SessionFound(Opened("next-session-id-00000").Session));
        Assert.Equal("next-session-id-00000", (await next.WaitAsync(Bound)).Session.Id);
    }

    [Fact]
    public async Task A_call_cancelled_while_queued_is_never_sent()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time, maxInFlight: 1);
        var (first, sender) = SendFirst(client);
        using var cts = new CancellationTokenSource();
        var cancelled = client.DeleteAsync("cancelled-session-id0", cts.Token);
        var kept = client.DeleteAsync("kept-session-id-00000");

        await cts.CancelAsync();
        sender.Tell(Opened(FirstId));

        // A lone write goes as a batch of one, which says when its caller stops waiting.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Bound));
        Assert.Equal("kept-session-id-00000", Assert.IsType<DeleteSession>(Assert.Single(_probe.ExpectMsg<SessionBatch>().Requests)).SessionId);
        _probe.Reply(new SessionBatchHandled([new SessionDeleted("kept-session-id-00000", Existed: true)]));
        Assert.True((await kept.WaitAsync(Bound)).Existed);
        await first.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_call_cancelled_while_in_flight_ends_cancelled()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time);
        using var cts = new CancellationTokenSource();
        var call = client.OpenAsync(FirstId, cts.Token);
        _probe.ExpectMsg<OpenSession>();

        await cts.CancelAsync();
        _probe.Reply(Opened("late-reply-session-id"));

        // The cancellation came first: the reply that follows it is dropped.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Bound));
    }

    [Fact]
    public async Task A_call_with_a_cancelled_token_is_not_sent()
    {
        using var client = new SessionClient(_probe.Ref, Settings, _time);

        var call = client.OpenAsync(cancellationToken: new CancellationToken(canceled: true));

        Assert.True(call.IsCanceled);
        var next = client.GetAsync("next-session-id-00000");
        Assert.IsType<GetSession>(_probe.ExpectMsg<object>());
        _probe.Reply(new SessionFound(Opened("next-session-id-00000").Session));
        await next.WaitAsync(Bound);
    }

    [Fact]
    public async Task Reading_a_session_the_container_does_not_hold_throws_not_found()
    {
        var container = Sys.ActorOf(SessionContainer.Props(SessionSettings.Default));
        using var client = new SessionClient(container, Settings);

        var error = await Assert.ThrowsAsync<SessionNotFoundException>(() => client.GetAsync("NoSuchSessionIdAtAll1"));

        Assert.Equal("NoSuchSessionIdAtAll1", error.SessionId);
        await Assert.ThrowsAsync<SessionNotFoundException>(() => client.RenewAsync("NoSuchSessionIdAtAll1"));
    }

    [Fact]
    public async Task A_checked_save_of_a_stale_session_throws_a_version_conflict()
    {
        var container = Sys.ActorOf(SessionContainer.Props(SessionSettings.Default));
        using var client = new SessionClient(container, Settings);
        var session = (await client.OpenAsync()).Session;
        await client.SaveAsync(session.SetString("a", "first"), checkVersion: true);

        var error = await Assert.ThrowsAsync<SessionVersionConflictException>(
            () => client.SaveAsync(session.SetString("a", "second"), checkVersion: true));

        Assert.Equal(0, error.AttemptedVersion);
        Assert.Equal("first", error.Current.GetString("a"));
    }

    [Fact]
    public async Task A_request_the_container_refuses_faults_with_its_exception()
    {
        var container = Sys.ActorOf(SessionContainer.Props(SessionSettings.Default));
        using var client = new SessionClient(container, Settings);

        await Assert.ThrowsAsync<ArgumentException>(() => client.DeleteAsync(""));
    }

    [Fact]
    public async Task Disposing_the_client_fails_the_calls_still_waiting()
    {
        var client = new SessionClient(_probe.Ref, Settings, _time);
        var call = client.OpenAsync(FirstId);
        _probe.ExpectMsg<OpenSession>();

        client.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => call.WaitAsync(Bound));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.OpenAsync());
    }

    [Fact]
    public void A_client_needs_a_reference_to_a_live_actor()
    {
        Assert.Throws<ArgumentException>(() => new SessionClient(ActorRefs.Nobody, Settings, _time));
    }

    private static string[] QueuedIds(int count) =>
        Enumerable.Range(0, count).Select(i => $"queued-session-id-{i:D4}").ToArray();

    /// <summary>Makes a call and takes it at the probe, unanswered: the calls made next queue behind it.</summary>
    private (Task<SessionOpened> First, IActorRef Sender) SendFirst(SessionClient client)
    {
        var first = client.OpenAsync(FirstId);
        _probe.ExpectMsg<OpenSession>();
        return (first, _probe.LastSender);
    }

    private SessionOpened Opened(string id) =>
        new(new Session(id, _time.GetUtcNow(), _time.GetUtcNow(), 0, SessionData.Empty), IsNew: false);

    private sealed class AnswerThenEndTurn : ReceiveActor
    {
        public AnswerThenEndTurn(ManualResetEventSlim turnOver)
        {
            Receive<OpenSession>(open =>
            {
                Sender.Tell(new SessionOpened(new Session(open.SessionId!, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 0, SessionData.Empty), IsNew: false));
                turnOver.Set();
            });
        }
    }
}
