namespace ActorSessions.Benchmarks.Http.Load;

/// <summary>What each virtual user does in its closed loop.</summary>
internal enum Workload
{
    /// <summary><c>POST /counter</c>: read the counter, write it plus one.</summary>
    ReadModifyWrite,

    /// <summary><c>GET /counter</c>: read the counter, change nothing.</summary>
    ReadOnly,

    /// <summary>Two tabs of one session, <c>POST /tab/a</c> and <c>POST /tab/b</c> at once, each incrementing its own key.</summary>
    TwoTabs,

    /// <summary><c>POST /login</c>: a fresh session id, the data kept, one key written.</summary>
    Login,
}

/// <summary>The workloads' names on the command line and in the report.</summary>
internal static class Workloads
{
    public static IReadOnlyList<Workload> All { get; } = Enum.GetValues<Workload>();

    public static string Key(this Workload workload) => workload switch
    {
        Workload.ReadModifyWrite => "read-modify-write",
        Workload.ReadOnly => "read-only",
        Workload.TwoTabs => "two-tabs",
        Workload.Login => "login",
        _ => throw new ArgumentOutOfRangeException(nameof(workload), workload, null),
    };

    public static Workload Parse(string key) =>
        All.Where(w => string.Equals(w.Key(), key, StringComparison.OrdinalIgnoreCase)).Select(w => (Workload?)w).FirstOrDefault()
            ?? throw new ArgumentException($"Unknown workload '{key}'; one of: {string.Join(", ", All.Select(w => w.Key()))}.", nameof(key));
}
