using System.Globalization;

namespace ActorSessions.Benchmarks.Http.Measurement;

/// <summary>
/// CPU time of other processes, read from <c>/proc/&lt;pid&gt;/stat</c> (all of a process's threads, user
/// and system time), so the app's and the store's costs are measured from outside, alike for every backend.
/// </summary>
internal static class ProcCpu
{
    // USER_HZ, the unit of /proc's times: 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    /// <summary>The process's CPU time so far; <see langword="null"/> when it is gone or /proc has none.</summary>
    public static TimeSpan? Of(int pid) => Read(pid) is { } f ? Seconds(f.UserTicks + f.SystemTicks) : null;

    /// <summary>
    /// A server that forks a process per connection (PostgreSQL): the parent's time, the time of the
    /// children it has reaped, and the time of its live children. A child that exits between two readings
    /// moves from the live sum into the reaped one, so it is counted once.
    /// </summary>
    public static TimeSpan? OfTree(int rootPid)
    {
        if (Read(rootPid) is not { } root)
        {
            return null;
        }

        var ticks = root.UserTicks + root.SystemTicks + root.ChildUserTicks + root.ChildSystemTicks;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != rootPid
                && Read(pid) is { } child
                && child.ParentPid == rootPid)
            {
                ticks += child.UserTicks + child.SystemTicks;
            }
        }

        return Seconds(ticks);
    }

    /// <summary>The process's parent; <see langword="null"/> when it is gone or /proc has none.</summary>
    public static int? ParentOf(int pid) => Read(pid)?.ParentPid;

    /// <summary>The process's command name (<c>/proc/&lt;pid&gt;/comm</c>); <see langword="null"/> when it is gone or /proc has none.</summary>
    public static string? NameOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>CPU time of the machine's cores together, from <c>/proc/stat</c>'s first line (idle and iowait excluded).</summary>
    public static TimeSpan? Machine()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);

            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (var i = 1; i < Math.Min(fields.Length, 9); i++)
            {
                if (i is not (4 or 5))
                {
                    busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
                }
            }

            return Seconds(busy);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static TimeSpan Seconds(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);

    private static StatFields? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: the fields that follow start
        // after the last ')', with field 3 (the state) first.
        var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return new StatFields(
            ParentPid: int.Parse(rest[1], CultureInfo.InvariantCulture),
            UserTicks: long.Parse(rest[11], CultureInfo.InvariantCulture),
            SystemTicks: long.Parse(rest[12], CultureInfo.InvariantCulture),
            ChildUserTicks: long.Parse(rest[13], CultureInfo.InvariantCulture),
            ChildSystemTicks: long.Parse(rest[14], CultureInfo.InvariantCulture));
    }

    private readonly record struct StatFields(int ParentPid, long UserTicks, long SystemTicks, long ChildUserTicks, long ChildSystemTicks);
}
