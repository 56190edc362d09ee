using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ActorSessions.Tests.Storage;

/// <summary>The store's instruments on the ActorSessions meter: commit duration and size, pending writes, availability.</summary>
public sealed class SessionContainerStoreMetricsSpec : StoreSpecBase
{
    [Fact]
    public async Task Commits_their_writes_pending_writes_and_availability_are_measured_and_a_failed_commit_is_tagged_with_its_error()
    {
        var measurements = new ConcurrentQueue<(string Instrument, double Value, string? Error)>();
        using var listener = new MeterListener();

        // A name of its own: containers of other specs, in other actor systems, have the same default paths.
        var container = Sys.ActorOf(SessionContainer.Props(new SessionContainerOptions(Settings()) { TimeProvider = Clock, Store = Store, StoreSettings = StoreSettings }), $"store-metrics-{Guid.NewGuid():N}");
        var tag = container.Path.ToStringWithoutAddress();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ActorSessions" && instrument.Meter.Tags?.Any(t => Equals(t.Value, tag)) == true)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Error(tags))));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Error(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Error(tags))));
        listener.Start();

        var session = await OpenNew(container);
        await Ask<SessionSaved>(container, new SaveSession(session.SetString("k", "v")));
        listener.RecordObservableInstruments();
        var up = measurements.ToArray();
        await BreakStore(container, session);
        listener.RecordObservableInstruments();
        var down = measurements.ToArray()[up.Length..];

        Assert.Equal(2, up.Count(m => m.Instrument == "actorsessions.store.commit.duration" && m.Error is null));
        Assert.All(up.Where(m => m.Instrument == "actorsessions.store.commit.writes"), m => Assert.Equal(1, m.Value));
        Assert.Equal(1, up.Last(m => m.Instrument == "actorsessions.store.available").Value);
        Assert.Equal(0, up.Last(m => m.Instrument == "actorsessions.store.pending_writes").Value);
        Assert.Single(down, m => m.Instrument == "actorsessions.store.commit.duration" && m.Error == typeof(IOException).FullName);
        Assert.Equal(0, down.Last(m => m.Instrument == "actorsessions.store.available").Value);
    }

    private static string? Error(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "error.type")
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
