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

    public SessionContainerMetrics(string container, Func<int> sessionsHeld)
    {
        _meter = new Meter(MeterName, version: null, tags: [new("actorsessions.container", container)]);
        _meter.CreateObservableGauge("actorsessions.sessions", sessionsHeld, unit: "{session}", description: "Sessions held in memory, expired ones not yet cleaned up included.");
        _created = _meter.CreateCounter<long>("actorsessions.sessions.created", unit: "{session}", description: "Sessions created.");
        _ended = _meter.CreateCounter<long>("actorsessions.sessions.ended", unit: "{session}", description: "Sessions ended, tagged with the reason.");
        _cleanupDuration = _meter.CreateHistogram<double>("actorsessions.cleanup.duration", unit: "s", description: "How long a whole cleanup took, its chunks added up.");
    }

    public void Created() => _created.Add(1);

    public void Ended(SessionEndReason reason) => _ended.Add(1, ReasonTags[(int)reason]);

    public void CleanedUp(TimeSpan duration) => _cleanupDuration.Record(duration.TotalSeconds);

    public void Dispose() => _meter.Dispose();
}
