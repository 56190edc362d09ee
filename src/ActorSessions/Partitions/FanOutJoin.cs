using Akka.Actor;

namespace ActorSessions;

/// <summary>
/// Collects one answer from every partition to a request about the whole container and answers the
/// caller once: with the first failure if a partition failed, else with the answers combined.
/// </summary>
internal sealed class FanOutJoin : MinimalActorRef
{
    private readonly IActorRef _replyTo;
    private readonly object?[] _answers;
    private readonly Func<IReadOnlyList<object>, object> _combine;
    private readonly IActorRefProvider _provider;
    private readonly ActorPath _path;
    private int _count;

    public FanOutJoin(IActorRef replyTo, int partitions, Func<IReadOnlyList<object>, object> combine, IActorRefProvider provider)
    {
        _replyTo = replyTo;
        _answers = new object?[partitions];
        _combine = combine;
        _provider = provider;
        _path = provider.TempPath();
    }

    public override ActorPath Path => _path;

    public override IActorRefProvider Provider => _provider;

    protected override void TellInternal(object message, IActorRef sender)
    {
        var slot = Interlocked.Increment(ref _count) - 1;
        if (slot >= _answers.Length)
        {
            return;
        }

        Volatile.Write(ref _answers[slot], message);
        if (slot != _answers.Length - 1)
        {
            return;
        }

        // Every slot is claimed; wait for any write still on its way from another partition's thread.
        var answers = new object[_answers.Length];
        for (var i = 0; i < answers.Length; i++)
        {
            var spin = default(SpinWait);
            object? answer;
            while ((answer = Volatile.Read(ref _answers[i])) is null)
            {
                spin.SpinOnce();
            }

            answers[i] = answer;
        }

        if (_replyTo.IsNobody())
        {
            return;
        }

        _replyTo.Tell(answers.FirstOrDefault(a => a is Status.Failure) ?? _combine(answers));
    }
}
