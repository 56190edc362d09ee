using System.Diagnostics;

namespace ActorSessions.Benchmarks.Measurement;

/// <summary>
/// What the whole process has spent: CPU time on all cores, time the GC held every thread, and bytes
/// allocated. The difference of two readings is what a measured phase cost, the harness's own loop and
/// latency recording included.
/// </summary>
internal readonly record struct ProcessCost(TimeSpan Cpu, TimeSpan GcPauses, long AllocatedBytes)
{
    public static ProcessCost Now()
    {
        using var process = Process.GetCurrentProcess();

        // Precise: every thread's unfinished allocation buffer counted, not only what the GC has seen.
        return new(process.TotalProcessorTime, GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes(precise: true));
    }

    public static ProcessCost operator -(ProcessCost after, ProcessCost before) =>
        new(after.Cpu - before.Cpu, after.GcPauses - before.GcPauses, after.AllocatedBytes - before.AllocatedBytes);
}
