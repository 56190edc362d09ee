using System.Diagnostics;
using Akka.Actor;
using ActorSessions.Benchmarks.Measurement;
using HdrHistogram;

namespace ActorSessions.Benchmarks.Designs;

/// <summary>Runs <see cref="TellRequester"/> actors against a container for a warm-up and a measured phase.</summary>
internal static class TellDriver
{
    public static async Task<LoadRunner.Result> RunAsync(
        ActorSystem system,
        IActorRef container,
        string[] ids,
        TellRequester.Kind kind,
        int actors,
        int batch,
        TimeSpan warmup,
        TimeSpan duration)
    {
        var phase = new TellRequester.StrongBox<int>(0);
        var histograms = new LongHistogram[actors];
        var done = new TaskCompletionSource<long>[actors];
        for (var i = 0; i < actors; i++)
        {
            histograms[i] = LatencyRecorder.Create();
            done[i] = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var index = i;
            system.ActorOf(Props.Create(() => new TellRequester(container, ids, kind, batch, index + 1, histograms[index], phase, done[index])));
        }

        await Task.Delay(warmup);
        var before = ProcessCost.Now();
        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref phase.Value, 1);
        await Task.Delay(duration);
        Volatile.Write(ref phase.Value, 2);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cost = ProcessCost.Now() - before;
        var counts = await Task.WhenAll(done.Select(d => d.Task));
        return new LoadRunner.Result(counts.Sum(), elapsed, LatencyRecorder.Merge(histograms), cost);
    }
}
