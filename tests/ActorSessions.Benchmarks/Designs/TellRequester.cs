using System.Diagnostics;
using Akka.Actor;
using HdrHistogram;

namespace ActorSessions.Benchmarks.Designs;

/// <summary>
/// An actor that talks to the container the actor way: it <c>Tell</c>s a request, and sends the next when
/// the reply arrives (one in flight). It records each request's latency until told to stop.
/// </summary>
internal sealed class TellRequester : UntypedActor
{
    private readonly IActorRef _container;
    private readonly string[] _ids;
    private readonly Kind _kind;
    private readonly int _batch;
    private readonly Random _random;
    private readonly LongHistogram _histogram;
    private readonly StrongBox<int> _phase;
    private readonly TaskCompletionSource<long> _done;
    private long _started;
    private long _count;

    public TellRequester(IActorRef container, string[] ids, Kind kind, int batch, int seed, LongHistogram histogram, StrongBox<int> phase, TaskCompletionSource<long> done)
    {
        _container = container;
        _ids = ids;
        _kind = kind;
        _batch = batch;
        _random = new Random(seed);
        _histogram = histogram;
        _phase = phase;
        _done = done;
    }

    public enum Kind
    {
        Open,
        WebRequest,
        New,
    }

    /// <summary>Measuring phase shared with the runner: 0 warm-up, 1 measuring, 2 stopped.</summary>
    public sealed class StrongBox<T>(T value)
    {
        public T Value = value;
    }

    protected override void PreStart() => SendNext();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SessionOpened opened when _kind == Kind.WebRequest:
                _ = opened.Session.GetString(Workload.UserKey);
                _container.Tell(new SaveSession(opened.Session.Set(Workload.WriteKey, Workload.UserValue(1))));
                return;
            case SessionOpened or SessionSaved:
                Completed(1);
                return;
            case SessionBatchHandled handled:
                Completed(handled.Replies.Count);
                return;
            default:
                Unhandled(message);
                return;
        }
    }

    private void Completed(int requests)
    {
        var phase = Volatile.Read(ref _phase.Value);
        if (phase == 1)
        {
            Measurement.LatencyRecorder.Record(_histogram, _started, Stopwatch.GetTimestamp());
            _count += requests;
        }

        if (phase == 2)
        {
            _done.TrySetResult(_count);
            Context.Stop(Self);
            return;
        }

        SendNext();
    }

    private void SendNext()
    {
        _started = Stopwatch.GetTimestamp();
        if (_batch > 1)
        {
            var requests = new ISessionRequest[_batch];
            for (var i = 0; i < requests.Length; i++)
            {
                requests[i] = new OpenSession(_kind == Kind.New ? null : _ids[_random.Next(_ids.Length)]);
            }

            _container.Tell(new SessionBatch(requests));
            return;
        }

        _container.Tell(new OpenSession(_kind == Kind.New ? null : _ids[_random.Next(_ids.Length)]));
    }
}
