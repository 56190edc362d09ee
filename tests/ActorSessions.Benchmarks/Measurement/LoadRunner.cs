using System.Diagnostics;
using HdrHistogram;

namespace ActorSessions.Benchmarks.Measurement;

/// <summary>
/// Runs one operation in a closed loop from many callers at once: each caller starts its next
/// operation when the last one finished. Throughput counts the operations of the measured phase;
/// latency is each operation's own time, from call to completion.
/// </summary>
/// <remarks>
/// Latencies go into one histogram per thread, not per caller: a histogram at this precision is a few
/// hundred kilobytes, and 64 of them written at random would thrash the CPU caches the designs are
/// measured on, charging the 64-caller rows for the measurement itself.
/// </remarks>
internal sealed class LoadRunner
{
    private const int Warmup = 0;
    private const int Measuring = 1;
    private const int Stopped = 2;

    /// <summary>How the callers run.</summary>
    public enum Callers
    {
        /// <summary>Async callers on the thread pool, as requests in ASP.NET Core are.</summary>
        Tasks,

        /// <summary>Dedicated threads calling synchronously, as the seed's request threads did.</summary>
        Threads,
    }

    public async Task<Result> RunAsync(int callers, Callers kind, TimeSpan warmup, TimeSpan duration, Func<Random, ValueTask> operation)
    {
        var phase = Warmup;
        using var histograms = new ThreadLocal<LongHistogram>(LatencyRecorder.Create, trackAllValues: true);
        var counts = new long[callers];

        async Task TaskCaller(int index)
        {
            await Task.Yield();
            var random = new Random(index + 1);
            long done = 0;
            while (Volatile.Read(ref phase) != Stopped)
            {
                var started = Stopwatch.GetTimestamp();
                var pending = operation(random);
                var synchronous = pending.IsCompleted;
                await pending;
                if (Volatile.Read(ref phase) == Measuring)
                {
                    // The thread's own histogram: the continuation may run on any pool thread.
                    LatencyRecorder.Record(histograms.Value!, started, Stopwatch.GetTimestamp());
                    done++;
                }

                // Each request is its own work item in a server. An operation that finished without
                // yielding would otherwise keep its thread forever and starve the other callers (and
                // the thread pool), so it yields, as an asynchronous one does when it completes.
                if (synchronous)
                {
                    await Task.Yield();
                }
            }

            counts[index] = done;
        }

        void ThreadCaller(int index)
        {
            var random = new Random(index + 1);
            var histogram = histograms.Value!;
            long done = 0;
            while (Volatile.Read(ref phase) != Stopped)
            {
                var started = Stopwatch.GetTimestamp();
                var pending = operation(random);
                if (!pending.IsCompletedSuccessfully)
                {
                    pending.AsTask().GetAwaiter().GetResult();
                }

                if (Volatile.Read(ref phase) == Measuring)
                {
                    LatencyRecorder.Record(histogram, started, Stopwatch.GetTimestamp());
                    done++;
                }
            }

            counts[index] = done;
        }

        Task[] workers;
        if (kind == Callers.Threads)
        {
            workers = new Task[callers];
            for (var i = 0; i < callers; i++)
            {
                var index = i;
                var done = new TaskCompletionSource();
                var thread = new Thread(() =>
                {
                    try
                    {
                        ThreadCaller(index);
                        done.SetResult();
                    }
                    catch (Exception e)
                    {
                        done.SetException(e);
                    }
                })
                { IsBackground = true, Name = $"seed-caller-{i}" };
                thread.Start();
                workers[i] = done.Task;
            }
        }
        else
        {
            workers = Enumerable.Range(0, callers).Select(i => Task.Run(() => TaskCaller(i))).ToArray();
        }

        await Task.Delay(warmup);
        var before = ProcessCost.Now();
        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref phase, Measuring);
        await Task.Delay(duration);
        Volatile.Write(ref phase, Stopped);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cost = ProcessCost.Now() - before;
        await Task.WhenAll(workers);

        var merged = LatencyRecorder.Merge(histograms.Values);
        return new Result(counts.Sum(), elapsed, merged, cost);
    }

    public sealed record Result(long Operations, TimeSpan Elapsed, LongHistogram Latency, ProcessCost Cost)
    {
        public double OpsPerSecond => Operations / Elapsed.TotalSeconds;

        /// <summary>CPU time per operation, all threads together: less moved by the machine's load than throughput is.</summary>
        public double CpuNanosPerOp => Cost.Cpu.TotalNanoseconds / Math.Max(1, Operations);

        /// <summary>The share of the measured time the GC held every thread.</summary>
        public double GcPauseShare => Cost.GcPauses / Elapsed;

        /// <summary>Bytes allocated per operation; <see langword="null"/> when the runtime's count went backwards.</summary>
        /// <remarks>
        /// With server GC, .NET 10 adapts its number of heaps to the load (DATAS), and the process's
        /// allocated-bytes total does not survive that intact: between rows it was seen to drop by half (a
        /// heap's count given up), and a round it happens in reads thousands of bytes per operation too few,
        /// below zero, or too many. A count that went back has no figure; the harness reports the median of
        /// a row's rounds, so one round that jumped does not decide either.
        /// </remarks>
        public double? AllocatedBytesPerOp => Cost.AllocatedBytes < 0 ? null : (double)Cost.AllocatedBytes / Math.Max(1, Operations);
    }
}
