using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorSessions.AspNetCore.Tests.Support;

/// <summary>
/// A web app of this repository (the server, a sample) run as a child process on 127.0.0.1, from the
/// test's own output folder: stopped by its id, killed if it is still there when the spec is done.
/// </summary>
internal sealed class ChildApp : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    // The last lines the child wrote, for a spec to show when the child did not do what it should.
    private const int TailLines = 40;
    private readonly Queue<string> _tail = new();

    private ChildApp(Process process, Uri address)
    {
        Process = process;
        Address = address;
    }

    /// <summary>The last lines of the child's standard output and error, oldest first.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    public Process Process { get; }

    public Uri Address { get; }

    /// <summary>Starts <paramref name="assembly"/> (a dll beside the tests) on a free port with <paramref name="arguments"/>.</summary>
    public static ChildApp Start(string assembly, params string[] arguments)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var app = new ChildApp(process, new Uri($"http://127.0.0.1:{port}"));

        // Read as it comes, so a full pipe never blocks the child; only the last lines are kept.
        process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>The first answer to <paramref name="path"/> once the app listens, waiting at most 30 s for it to start.</summary>
    public async Task<HttpResponseMessage> FirstAnswerAsync(HttpClient client, string path)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await client.GetAsync(path);
            }
            catch (HttpRequestException) when (clock.Elapsed < Wait && !Process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>
    /// Whether the app's <c>/healthz</c> said Healthy within 30 s of this call. It answers 503 while the
    /// container recovers its sessions, which on a loaded machine can outlast the app's first answer.
    /// </summary>
    public async Task<bool> BecomesHealthyAsync(HttpClient client)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var answer = await FirstAnswerAsync(client, "/healthz");
            if (answer.IsSuccessStatusCode)
            {
                return true;
            }

            if (clock.Elapsed >= Wait || Process.HasExited)
            {
                return false;
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }

    /// <summary>A port no one listens on right now, from the OS.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
