using System.Diagnostics;

namespace ActorSessions.Benchmarks.Http.Measurement;

/// <summary>CPU time so far of the app, its store's server (when it has one), this load generator and the whole machine, with the wall clock.</summary>
internal readonly record struct CpuSnapshot(long Timestamp, TimeSpan? App, TimeSpan? Store, TimeSpan LoadGenerator, TimeSpan? Machine)
{
    public static CpuSnapshot Take(int appPid, int? storePid)
    {
        using var self = Process.GetCurrentProcess();
        return new(Stopwatch.GetTimestamp(), ProcCpu.Of(appPid), storePid is { } s ? ProcCpu.OfTree(s) : null, self.TotalProcessorTime, ProcCpu.Machine());
    }
}
