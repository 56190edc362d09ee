using System.Diagnostics.Metrics;

namespace ActorSessions;

/// <summary>
/// The container's instruments, on a <see cref="Meter"/> named <c>ActorSessions</c> so OpenTelemetry
/// (<c>AddMeter("ActorSessions")</c>) and <c>dotnet-counters</c> pick them up with no extra code.
/// One meter per container, tagged with the actor's path, and disposed when the actor stops.
/// </summary>
internal sealed class SessionContainerMetrics : IDisposable
{
    public const string MeterName = "ActorSessions";

    private static readonly KeyValuePair<string, object?>[] ReasonTags =
        Enum.GetValues<SessionEndReason>()
            .Select(r => new KeyValuePair<string, object?>("reason", r.ToString().ToLowerInvariant()))
            .ToArray();

    private readonly Meter _meter;
    private readonly Counter<long> _created;
    private readonly Counter<long> _ended;
    private readonly Histogram<double> _cleanupDuration;
    private Histogram<double>? _commitDuration;
    private Histogram<long>? _commitWrites;

    public SessionContainerMetrics(string container, Func<int> sessionsHeld)
    {
        _meter = new Meter(MeterName, version: null, tags: [new("actorsessions.container", container)]);
        _meter.CreateObservableGauge("actorsessions.sessions", sessionsHeld, unit: "{session}", description: "Sessions held in memory, expired ones not yet cleaned up included.");
        _created = _meter.CreateCounter<long>("actorsessions.sessions.created", unit: "{session}", description: "Sessions created.");
        _ended = _meter.CreateCounter<long>("actorsessions.sessions.ended", unit: "{session}", description: "Sessions ended, tagged with the reason.");
        _cleanupDuration = _meter.CreateHistogram<double>("actorsessions.cleanup.duration", unit: "s", description: "How long a whole cleanup took, its chunks added up.");
    }

    /// <summary>
    /// Adds the store's instruments, named after OpenTelemetry's conventions: how long a commit took and
    /// how many writes it carried (a failed one tagged with <c>error.type</c>), the writes not yet
    /// committed, and whether the store takes writes (1) or not (0).
    /// </summary>
    public void AttachStore(Func<int> pendingWrites, Func<bool> available)
    {
        _commitDuration = _meter.CreateHistogram<double>("actorsessions.store.commit.duration", unit: "s", description: "How long a commit to the session store took, failed ones included (tagged error.type).");
        _commitWrites = _meter.CreateHistogram<long>("actorsessions.store.commit.writes", unit: "{write}", description: "Session writes one commit carried (group commit).");
        _meter.CreateObservableGauge("actorsessions.store.pending_writes", pendingWrites, unit: "{write}", description: "Writes not yet committed: in flight, queued, and touches waiting to be written behind.");
        _meter.CreateObservableGauge("actorsessions.store.available", () => available() ? 1 : 0, unit: "1", description: "1 while the store takes writes, 0 while it refuses them (writes are answered with a failure) or the container recovers.");
    }

    public void Committed(TimeSpan duration, int writes)
    {
        _commitDuration?.Record(duration.TotalSeconds);
        _commitWrites?.Record(writes);
    }

    public void CommitFailed(TimeSpan duration, int writes, Exception error)
    {
        var tag = new KeyValuePair<string, object?>("error.type", error.GetType().FullName);
        _commitDuration?.Record(duration.TotalSeconds, tag);
        _commitWrites?.Record(writes, tag);
    }

    public void Created() => _created.Add(1);

    public void Ended(SessionEndReason reason) => _ended.Add(1, ReasonTags[(int)reason]);

    public void CleanedUp(TimeSpan duration) => _cleanupDuration.Record(duration.TotalSeconds);

    public void Dispose() => _meter.Dispose();
}
