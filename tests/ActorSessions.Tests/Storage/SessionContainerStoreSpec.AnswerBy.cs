using System.Diagnostics;

namespace ActorSessions.Tests.Storage;

/// <summary>
/// One deadline: a batch whose caller stops waiting before its commits could be done is refused whole and
/// changes nothing, so a caller that gave up and reported its writes not stored was right.
/// </summary>
public sealed class SessionContainerStoreAnswerBySpec : StoreSpecBase
{
    [Fact]
    public async Task A_batch_handled_too_late_to_be_answered_in_time_is_refused_whole_and_changes_nothing()
    {
        var container = NewContainer();
        var session = await OpenNew(container);
        var commits = Store.Commits.Count;

        // Its caller stops waiting in less than the two commit timeouts a write may need.
        var late = Stopwatch.GetTimestamp() + (long)(StoreSettings.CommitTimeout.TotalSeconds * Stopwatch.Frequency);
        var handled = await Ask<SessionBatchHandled>(container, new SessionBatch([new OpenSession(), new SaveSession(session.SetString("k", "v"))]) { AnswerBy = late });

        Assert.All(handled.Replies, reply => Assert.IsType<TimeoutException>(Assert.IsType<Status.Failure>(reply).Cause));
        Assert.Equal(1, (await Ask<SessionStats>(container, GetSessionStats.Instance)).Count);
        Assert.Null((await Ask<SessionFound>(container, new GetSession(session.Id))).Session.GetString("k"));
        Assert.Equal(commits, Store.Commits.Count);
    }

    [Fact]
    public async Task A_batch_with_time_for_its_commits_is_served()
    {
        var container = NewContainer();
        var session = await OpenNew(container);

        var inTime = Stopwatch.GetTimestamp() + (long)((StoreSettings.CommitTimeout * 2 + TimeSpan.FromSeconds(30)).TotalSeconds * Stopwatch.Frequency);
        var handled = await Ask<SessionBatchHandled>(container, new SessionBatch([new SaveSession(session.SetString("k", "v"))]) { AnswerBy = inTime });

        Assert.IsType<SessionSaved>(handled.Replies[0]);
    }

    [Fact]
    public async Task A_write_behind_no_commit_needs_time_for_its_own_commit_only_and_behind_one_for_both()
    {
        var container = NewContainer();
        var first = await OpenNew(container);
        var second = await OpenNew(container);
        TimeSpan Between() => StoreSettings.CommitTimeout * 1.5;

        // The journal is idle: one commit timeout is all a write can wait, so one and a half is time enough.
        var idle = await Ask<SessionBatchHandled>(container, new SessionBatch([new SaveSession(first.SetString("k", "v"))]) { AnswerBy = In(Between()) });
        Assert.IsType<SessionSaved>(idle.Replies[0]);

        // A commit is in flight: the write waits for it and then its own, two timeouts, so the same is too late.
        Store.HoldCommits();
        container.Tell(new SaveSession(second.SetString("k", "held")), TestActor);
        await Store.CommitStarted();
        var busy = await Ask<SessionBatchHandled>(container, new SessionBatch([new SaveSession(first.SetString("k", "w"))]) { AnswerBy = In(Between()) });
        Store.ReleaseCommits();

        Assert.IsType<TimeoutException>(Assert.IsType<Status.Failure>(busy.Replies[0]).Cause);
        ExpectMsg<SessionSaved>();
    }

    private static long In(TimeSpan wait) => Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
}
