using Akka.Actor;

namespace ActorSessions;

/// <summary>How the answers of every partition to a request about the whole container make one answer: the sum.</summary>
internal static class SessionJoins
{
    public static object CleanedUp(IReadOnlyList<object> answers)
    {
        var all = answers.Cast<SessionsCleanedUp>().ToArray();
        return new SessionsCleanedUp(all.Sum(a => a.Removed), all.Sum(a => a.Remaining));
    }

    public static object TimeAdjusted(IReadOnlyList<object> answers) =>
        new TimeAdjusted(answers.Cast<TimeAdjusted>().Sum(a => a.Sessions));

    public static object Stats(IReadOnlyList<object> answers)
    {
        var all = answers.Cast<SessionStats>().ToArray();
        return new SessionStats(
            all.Sum(s => s.Count),
            all.Sum(s => s.Created),
            all.Sum(s => s.Expired),
            all.Sum(s => s.Deleted),
            all.Sum(s => s.Evicted),
            all.Sum(s => s.Renewed),
            all.Max(s => s.LastCleanupDuration),
            all.Sum(s => s.LastCleanupRemoved))
        {
            DataBytes = all.Sum(s => s.DataBytes),
        };
    }

    /// <summary>Every partition's own entry, in partition order (the answers come in as the partitions reply).</summary>
    public static object PartitionStats(IReadOnlyList<object> answers) =>
        new PartitionStatsReport([.. answers.Cast<PartitionStatsReport>().SelectMany(r => r.Partitions).OrderBy(p => p.Partition)]);

    public static object Flushed(IReadOnlyList<object> answers) => SessionStoreFlushed.Instance;

    public static object StoreStats(IReadOnlyList<object> answers)
    {
        var all = answers.Cast<SessionStoreStats>().ToArray();
        return new SessionStoreStats(
            all.Any(s => s.HasStore),
            all.All(s => s.Available),
            all.Sum(s => s.Commits),
            all.Sum(s => s.WritesCommitted),
            all.Sum(s => s.FailedCommits),
            all.Sum(s => s.Probes),
            all.Sum(s => s.PendingWrites),
            all.Sum(s => s.RecoveredSessions),
            all.Sum(s => s.UnreadableRows),
            all.Max(s => s.RecoveryDuration),
            all.Select(s => s.LastFailure).FirstOrDefault(f => f is not null));
    }
}
