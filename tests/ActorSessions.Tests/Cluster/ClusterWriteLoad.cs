using System.Collections.Concurrent;

namespace ActorSessions.Tests.Cluster;

/// <summary>
/// Writers through <see cref="SessionClient"/>s on some nodes, one writer per session, each write a higher
/// number under the key <c>n</c>: the first <c>checkedShare</c> of the sessions with version-checked saves and
/// a touch between them (requests the client resends), the rest with deltas (which it never resends). It
/// records every acknowledged number and what each kind of request was answered with, so a spec can say
/// that no acknowledged write was lost and how many requests went unanswered.
/// </summary>
internal sealed class ClusterWriteLoad : IAsyncDisposable
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(10);

    private readonly SessionClient[] _clients;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _writers;
    private readonly ConcurrentQueue<string> _failures = new();
    private int _safeUnanswered;
    private int _unsafeUnanswered;
    private long _safeAnswered;
    private long _unsafeAnswered;

    public ClusterWriteLoad(IActorRef[] fronts, string[] ids, int checkedShare, TimeSpan timeout)
    {
        _clients = [.. fronts.Select(f => new SessionClient(f, new SessionClientSettings { RequestTimeout = timeout }))];
        _writers = [.. ids.Select((id, i) => Task.Run(() => i < checkedShare ? WriteCheckedAsync(id, _clients[i % _clients.Length]) : WriteDeltasAsync(id, _clients[i % _clients.Length])))];
    }

    /// <summary>The highest number acknowledged for each session.</summary>
    public ConcurrentDictionary<string, long> Acknowledged { get; } = new();

    public long Writes => Acknowledged.Values.Sum();

    /// <summary>Reads, touches and version-checked saves that timed out with neither copy answered.</summary>
    public int SafeUnanswered => Volatile.Read(ref _safeUnanswered);

    /// <summary>Deltas that timed out (never resent).</summary>
    public int UnsafeUnanswered => Volatile.Read(ref _unsafeUnanswered);

    public long Resent => _clients.Sum(c => c.Resent);

    public string Describe() =>
        $"{Writes} writes acknowledged; resendable requests: {Interlocked.Read(ref _safeAnswered)} answered, {SafeUnanswered} unanswered; " +
        $"deltas: {Interlocked.Read(ref _unsafeAnswered)} answered, {UnsafeUnanswered} unanswered; {Resent} resent; " +
        $"other failures: {string.Join(", ", _failures.GroupBy(f => f).Select(g => $"{g.Count()} {g.Key}"))}";

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers).WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }

    private static Session WithNumber(Session session, long n) => session.Set("n", BitConverter.GetBytes(n));

    private async Task WriteCheckedAsync(string id, SessionClient client)
    {
        Session? session = null;
        for (long n = 1; !_stop.IsCancellationRequested; n++)
        {
            session ??= await Safe(() => client.GetAsync(id)) is { } found ? found.Session : null;
            if (session is null)
            {
                continue;
            }

            var saved = await Safe(() => client.SaveAsync(WithNumber(session, n), checkVersion: true));
            if (saved is not null)
            {
                Acknowledged[id] = n;
                session = saved.Session;
            }
            else
            {
                // Unanswered or refused: read the session afresh before the next write.
                session = null;
            }

            await Safe(() => client.TouchAsync(id));
            await Task.Delay(Pause);
        }
    }

    private async Task WriteDeltasAsync(string id, SessionClient client)
    {
        for (long n = 1; !_stop.IsCancellationRequested; n++)
        {
            try
            {
                await client.UpdateAsync(new UpdateSession(id, SessionData.Empty.SetItem("n", [.. BitConverter.GetBytes(n)])));
                Acknowledged[id] = n;
                Interlocked.Increment(ref _unsafeAnswered);
            }
            catch (TimeoutException)
            {
                Interlocked.Increment(ref _unsafeUnanswered);
            }
            catch (Exception e)
            {
                _failures.Enqueue(e.GetType().Name);
            }

            await Task.Delay(Pause);
        }
    }

    private async Task<T?> Safe<T>(Func<Task<T>> call)
        where T : class
    {
        try
        {
            var reply = await call();
            Interlocked.Increment(ref _safeAnswered);
            return reply;
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _safeUnanswered);
        }
        catch (Exception e)
        {
            _failures.Enqueue(e.GetType().Name);
        }

        return null;
    }
}
