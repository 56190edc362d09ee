using Akka.Actor;

namespace ActorSessions;

/// <summary>
/// Collects one answer from every partition to a request about the whole container and answers the
/// caller once: with the first failure if a partition failed, else with the answers combined.
/// </summary>
/// <remarks>
/// Made <c>reachableRemotely</c> (the cluster front's partitions answer from other nodes), it is registered
/// under its temporary path, so that an answer sent to it over the network finds it, until it has answered
/// or <see cref="Release"/> gives it up.
/// </remarks>
internal sealed class FanOutJoin : MinimalActorRef
{
    private readonly IActorRef _replyTo;
    private readonly object?[] _answers;
    private readonly Func<IReadOnlyList<object>, object> _combine;
    private readonly IActorRefProvider _provider;
    private readonly ActorPath _path;
    private readonly bool _registered;
    private int _count;

    public FanOutJoin(IActorRef replyTo, int partitions, Func<IReadOnlyList<object>, object> combine, IActorRefProvider provider, bool reachableRemotely = false)
    {
        _replyTo = replyTo;
        _answers = new object?[partitions];
        _combine = combine;
        _provider = provider;
        _path = provider.TempPath();
        _registered = reachableRemotely;
        if (reachableRemotely)
        {
            provider.RegisterTempActor(this, _path);
        }
    }

    /// <summary>Stops answers sent over the network from reaching it (they go to dead letters); idempotent.</summary>
    public void Release()
    {
        if (_registered)
        {
            _provider.UnregisterTempActor(_path);
        }
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

        Release();
        if (_replyTo.IsNobody())
        {
            return;
        }

        _replyTo.Tell(answers.FirstOrDefault(a => a is Status.Failure) ?? _combine(answers));
    }
}
