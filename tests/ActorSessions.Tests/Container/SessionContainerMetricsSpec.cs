using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorSessions.Tests.TestSupport;

namespace ActorSessions.Tests.Container;

public sealed class SessionContainerMetricsSpec : ContainerSpecBase
{
    [Fact]
    public async Task The_ActorSessions_meter_reports_sessions_held_created_ended_and_cleanup_duration()
    {
        var measurements = new ConcurrentQueue<(string Instrument, double Value, string? Reason)>();
        using var listener = new MeterListener();
        // A name of its own: specs in other classes run containers with the same default paths in parallel.
        var container = Sys.ActorOf(SessionContainer.Props(Settings(), Clock), $"metrics-{Guid.NewGuid():N}");
        var tag = container.Path.ToStringWithoutAddress();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ActorSessions" && instrument.Meter.Tags?.Any(t => Equals(t.Value, tag)) == true)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Reason(tags))));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Reason(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Reason(tags))));
        listener.Start();

        await Ask<SessionStats>(container, GetSessionStats.Instance); // the meter exists once the actor has started
        listener.RecordObservableInstruments();
        var a = await OpenNew(container);
        await OpenNew(container);
        await Ask<SessionDeleted>(container, new DeleteSession(a.Id));
        Clock.Advance(SessionSettings.Default.IdleTimeout);
        await Ask<SessionsCleanedUp>(container, CleanupSessions.Instance);
        await OpenNew(container);
        listener.RecordObservableInstruments();

        var seen = measurements.ToArray();
        Assert.Equal(3, seen.Where(m => m.Instrument == "actorsessions.sessions.created").Sum(m => m.Value));
        Assert.Equal(1, seen.Where(m => m.Instrument == "actorsessions.sessions.ended" && m.Reason == "deleted").Sum(m => m.Value));
        Assert.Equal(1, seen.Where(m => m.Instrument == "actorsessions.sessions.ended" && m.Reason == "expired").Sum(m => m.Value));
        Assert.Single(seen, m => m.Instrument == "actorsessions.cleanup.duration");
        Assert.Equal(1, seen.Last(m => m.Instrument == "actorsessions.sessions").Value);
    }

    private static string? Reason(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "reason")
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
