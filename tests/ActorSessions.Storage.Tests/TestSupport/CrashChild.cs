using ActorSessions.Storage;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace ActorSessions.Storage.Tests.TestSupport;

/// <summary>Runs tests/ActorSessions.CrashChild, collects the saves it acknowledges, and kills it with SIGKILL.</summary>
public static class CrashChild
{
    public sealed record Ack(string Id, long Version, int N);

    /// <summary>Starts the child, waits for <paramref name="acks"/> acknowledged saves, kills it, and returns every save it printed.</summary>
    public static async Task<IReadOnlyList<Ack>> RunAndKill(int acks, params string[] args)
    {
        var received = new ConcurrentQueue<Ack>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new ConcurrentQueue<string>();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ChildPath());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("ACK ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                received.Enqueue(new Ack(parts[1], long.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture)));
                if (received.Count >= acks)
                {
                    enough.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                errors.Enqueue(line);
            }
        };
        process.Exited += (_, _) => enough.TrySetException(new InvalidOperationException(
            $"The crash child exited by itself with code {process.ExitCode}: {string.Join(Environment.NewLine, errors)}"));
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await enough.Task.WaitAsync(TimeSpan.FromSeconds(90));
        }
        finally
        {
            // Process.Kill sends SIGKILL on Unix: no shutdown hook, no flush, no finally runs in the child.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        // Lines read after the kill were still acknowledged before it.
        return [.. received];
    }

    /// <summary>Checks that a container recovered every acknowledged save: the session is there, at that version or later.</summary>
    public static async Task VerifyEveryAckSurvived(ISessionStore store, IReadOnlyList<Ack> acks)
    {
        using var system = ActorSystem.Create("crash-verify", "akka.loglevel = WARNING");
        var container = system.ActorOf(SessionContainer.Props(new SessionContainerOptions(SessionSettings.Default) { Store = store }));
        var last = acks.GroupBy(a => a.Id).Select(g => g.MaxBy(a => a.N)!).ToList();
        foreach (var ack in last)
        {
            var reply = await container.Ask<object>(new GetSession(ack.Id), TimeSpan.FromSeconds(30));
            var found = Assert.IsType<SessionFound>(reply).Session;
            var n = int.Parse(found.GetString("n")!, CultureInfo.InvariantCulture);
            Assert.True(found.Version >= ack.Version, $"session {ack.Id}: acknowledged version {ack.Version}, recovered {found.Version}");
            Assert.True(n >= ack.N, $"session {ack.Id}: acknowledged n = {ack.N}, recovered {n}");
            if (found.Version == ack.Version)
            {
                Assert.Equal(ack.N, n);
            }
        }
    }

    private static string ChildPath()
    {
        // .../tests/ActorSessions.Storage.Tests/bin/<Configuration>/net10.0/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var framework = output.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ActorSessions.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var path = Path.Combine(root.FullName, "tests", "ActorSessions.CrashChild", "bin", configuration, framework, "ActorSessions.CrashChild.dll");
        Assert.True(File.Exists(path), $"The crash child is not built at {path}; build the solution first.");
        return path;
    }
}
