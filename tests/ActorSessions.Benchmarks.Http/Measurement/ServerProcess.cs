using System.Diagnostics;
using ActorSessions.Benchmarks.Http.App;

namespace ActorSessions.Benchmarks.Http.Measurement;

/// <summary>
/// One backend's server: this executable started again as <c>serve --backend NAME</c>, a child process on
/// 127.0.0.1 with a port from the OS, which it prints once it listens. Disposing it kills it by its pid.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly List<string> _stderr;

    private ServerProcess(Process process, Uri address, List<string> stderr)
    {
        _process = process;
        Address = address;
        _stderr = stderr;
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    /// <summary>The last lines the server wrote to stderr (its warnings and errors), for a failure's message.</summary>
    public string ErrorTail
    {
        get
        {
            lock (_stderr)
            {
                return string.Join(Environment.NewLine, _stderr);
            }
        }
    }

    public static async Task<ServerProcess> StartAsync(IEnumerable<string> serveArgs, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(BenchmarkApp).Assembly.Location);
        start.ArgumentList.Add("serve");
        foreach (var arg in serveArgs)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new List<string>();
        string? last = null;
        var repeats = 0;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith(BenchmarkApp.ReadyPrefix, StringComparison.Ordinal))
            {
                ready.TrySetResult(new Uri(line[BenchmarkApp.ReadyPrefix.Length..]));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (stderr)
                {
                    // A failure repeated for every request would push its cause out of the tail: repeats are counted.
                    if (line == last)
                    {
                        var marker = $"(the line above {++repeats:N0} more times)";
                        if (repeats == 1)
                        {
                            stderr.Add(marker);
                        }
                        else
                        {
                            stderr[^1] = marker;
                        }
                    }
                    else
                    {
                        (last, repeats) = (line, 0);
                        stderr.Add(line);
                    }

                    while (stderr.Count > 20)
                    {
                        stderr.RemoveAt(0);
                    }
                }
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"The server exited with {process.ExitCode} before it listened."));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var address = await ready.Task.WaitAsync(StartTimeout, cancellationToken);
            return new ServerProcess(process, address, stderr);
        }
        catch (Exception e)
        {
            Kill(process);
            string tail;
            lock (stderr)
            {
                tail = string.Join(Environment.NewLine, stderr);
            }

            throw new InvalidOperationException($"The server {string.Join(' ', start.ArgumentList.Skip(1))} did not start: {e.Message}{Environment.NewLine}{tail}", e);
        }
    }

    public void Dispose() => Kill(_process);

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }
}
