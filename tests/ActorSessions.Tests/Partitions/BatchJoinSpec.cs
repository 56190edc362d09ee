using Akka.TestKit.Xunit2;

namespace ActorSessions.Tests.Partitions;

/// <summary>How a batch split by partition is answered: joined into one answer, or passed on part by part.</summary>
public sealed class BatchJoinSpec : TestKit
{
    [Fact]
    public void Joined_the_caller_gets_one_answer_in_the_batchs_order_once_every_part_is_in()
    {
        var caller = CreateTestProbe();
        var join = new BatchJoin(caller.Ref, requests: 3, parts: 2, ProviderOf());
        var odd = join.For([1]);
        var even = join.For([0, 2]);

        even.Tell(new SessionBatchHandled(["zero", "two"]));
        caller.ExpectNoMsg(TimeSpan.Zero);
        odd.Tell(new SessionBatchHandled(["one"]));

        Assert.Equal(["zero", "one", "two"], caller.ExpectMsg<SessionBatchHandled>().Replies);
    }

    [Fact]
    public void In_parts_each_part_is_passed_on_as_it_comes_and_a_missing_part_holds_back_nothing_else()
    {
        var caller = CreateTestProbe();
        var join = new BatchJoin(caller.Ref, requests: 3, parts: 2, ProviderOf(), inParts: true);
        _ = join.For([1]);
        var even = join.For([0, 2]);

        even.Tell(new SessionBatchHandled(["zero", "two"]));

        var part = caller.ExpectMsg<SessionBatchPartHandled>();
        Assert.Equal([0, 2], part.Slots);
        Assert.Equal(["zero", "two"], part.Replies);
    }

    [Fact]
    public void In_parts_a_part_refused_whole_answers_each_of_its_slots_with_the_refusal()
    {
        var caller = CreateTestProbe();
        var join = new BatchJoin(caller.Ref, requests: 2, parts: 1, ProviderOf(), inParts: true);
        var refusal = new Status.Failure(new SessionStoreUnavailableException());

        join.For([0, 1]).Tell(refusal);

        Assert.Equal([refusal, refusal], caller.ExpectMsg<SessionBatchPartHandled>().Replies);
    }

    private IActorRefProvider ProviderOf() => ((ExtendedActorSystem)Sys).Provider;
}
