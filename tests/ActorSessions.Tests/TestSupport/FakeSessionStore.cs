using ActorSessions.Durability;
using ActorSessions.Storage;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ActorSessions.Tests.TestSupport;

/// <summary>
/// An <see cref="ISessionStore"/> in memory with faults on demand: commits can be held (to see what groups
/// behind them) and the store can be made to fail, deterministically. It keeps whole rows; with
/// <see cref="AcceptsItemChanges"/> it also takes writes of only what changed, and applies them to its rows.
/// With <see cref="FindsById"/> it reads rows by id, and those reads can be held or failed on their own.
/// </summary>
public sealed class FakeSessionStore : ISessionStore
{
    private readonly object _lock = new();
    private readonly List<IReadOnlyList<SessionWrite>> _commits = [];
    private readonly SemaphoreSlim _commitStarted = new(0);
    private readonly SemaphoreSlim _loadStarted = new(0);
    private TaskCompletionSource? _commitGate;
    private TaskCompletionSource? _loadGate;
    private TaskCompletionSource? _findGate;
    private readonly SemaphoreSlim _findStarted = new(0);
    private int _probes;
    private int _finds;

    public ConcurrentDictionary<string, SessionRecord> Rows { get; } = new(StringComparer.Ordinal);

    public bool AcceptsItemChanges { get; init; }

    public bool FindsById { get; init; }

    /// <summary>A load reads the rows as they are when it starts (a snapshot, as SQLite's and PostgreSQL's do), not once it is released.</summary>
    public bool SnapshotLoads { get; init; }

    /// <summary>When set, the next load fails with it, once, after it is released.</summary>
    public Exception? FailNextLoad { get; set; }

    /// <summary>For each row a load yielded, whether it was read on a thread of the thread pool.</summary>
    public ConcurrentQueue<bool> LoadedOnThreadPool { get; } = new();

    /// <summary>When set, every <see cref="FindAsync"/> fails with it (the rest of the store works).</summary>
    public Exception? FindFault { get; set; }

    /// <summary>How many <see cref="FindAsync"/> calls have started.</summary>
    public int FindCalls => Volatile.Read(ref _finds);

    /// <summary>The ids each <see cref="FindAsync"/> call was asked for.</summary>
    public ConcurrentQueue<IReadOnlyList<string>> FoundIds { get; } = new();

    /// <summary>When set, every call throws it (an outage).</summary>
    public Exception? Fault { get; set; }

    /// <summary>The cut-offs <see cref="DeleteExpiredAsync"/> was called with.</summary>
    public ConcurrentQueue<DateTimeOffset> CleanupCalls { get; } = new();

    public int InitializeCalls => Volatile.Read(ref _probes);

    public IReadOnlyList<IReadOnlyList<SessionWrite>> Commits
    {
        get
        {
            lock (_lock)
            {
                return [.. _commits];
            }
        }
    }

    /// <summary>Commits wait until <see cref="ReleaseCommits"/>.</summary>
    public void HoldCommits()
    {
        // Commits from before the hold have all finished: CommitStarted waits for the next one.
        while (_commitStarted.Wait(0))
        {
        }

        _commitGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void ReleaseCommits() => _commitGate?.TrySetResult();

    /// <summary>Loads wait until <see cref="ReleaseLoads"/>, or until they are cancelled (as a real store's would).</summary>
    public void HoldLoads() => _loadGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseLoads() => _loadGate?.TrySetResult();

    /// <summary>Reads by id wait until <see cref="ReleaseFinds"/>.</summary>
    public void HoldFinds() => _findGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseFinds() => _findGate?.TrySetResult();

    /// <summary>Waits until a read by id has started (and is perhaps held).</summary>
    public async Task FindStarted()
    {
        if (!await _findStarted.WaitAsync(TimeSpan.FromSeconds(5)))
        {
            throw new TimeoutException("No read by id started.");
        }
    }

    /// <summary>Waits until a commit has started (and is perhaps held).</summary>
    public async Task CommitStarted()
    {
        if (!await _commitStarted.WaitAsync(TimeSpan.FromSeconds(5)))
        {
            throw new TimeoutException("No commit started.");
        }
    }

    /// <summary>Waits until a load has started (and is perhaps held).</summary>
    public async Task LoadStarted()
    {
        if (!await _loadStarted.WaitAsync(TimeSpan.FromSeconds(5)))
        {
            throw new TimeoutException("No load started.");
        }
    }

    public void Put(SessionRecord record) => Rows[record.Id] = record;

    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _probes);
        return Fault is { } fault ? Task.FromException(fault) : Task.CompletedTask;
    }

    public async Task CommitAsync(IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken)
    {
        _commitStarted.Release();
        if (_commitGate is { } gate)
        {
            await gate.Task;
        }

        if (Fault is { } fault)
        {
            throw fault;
        }

        Assert.Equal(writes.Count, writes.Select(w => w.Id).Distinct().Count());
        lock (_lock)
        {
            _commits.Add([.. writes]);
            foreach (var write in writes)
            {
                if (write.Items is { } items)
                {
                    Assert.True(AcceptsItemChanges, "a store of whole rows was sent a change");
                    Rows[write.Id] = Apply(write.Id, write.Record!, items);
                }
                else if (write.Record is { } record)
                {
                    Rows[write.Id] = record;
                }
                else
                {
                    Rows.TryRemove(write.Id, out _);
                }
            }
        }
    }

    private SessionRecord Apply(string id, SessionRecord stamps, SessionItemChanges items)
    {
        if (!Rows.TryGetValue(id, out var row))
        {
            throw new InvalidOperationException($"The session {id} has no row to change.");
        }

        Assert.True(SessionDataCodec.TryDecode(row.Data, out var data, out var error), error);
        data = data.RemoveRange(items.Removed).SetItems(items.Set);
        return stamps with { Data = SessionDataCodec.Encode(data) };
    }

    public async IAsyncEnumerable<SessionRecord> LoadAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var snapshot = SnapshotLoads ? Rows.Values.ToList() : null;
        _loadStarted.Release();
        if (_loadGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (Fault is { } fault)
        {
            throw fault;
        }

        if (FailNextLoad is { } once)
        {
            FailNextLoad = null;
            throw once;
        }

        foreach (var row in (snapshot ?? Rows.Values.ToList()).Where(r => r.ExpiresAt > now))
        {
            LoadedOnThreadPool.Enqueue(Thread.CurrentThread.IsThreadPoolThread);
            yield return row;
        }
    }

    public async Task<IReadOnlyList<SessionRecord>> FindAsync(IReadOnlyList<string> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Assert.True(FindsById, "a store that does not read by id was asked to");
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Interlocked.Increment(ref _finds);
        FoundIds.Enqueue([.. ids]);
        _findStarted.Release();
        if (_findGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if ((Fault ?? FindFault) is { } fault)
        {
            throw fault;
        }

        return [.. ids.Select(id => Rows.TryGetValue(id, out var row) && row.ExpiresAt > now ? row : null).OfType<SessionRecord>()];
    }

    public Task<int> DeleteExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        CleanupCalls.Enqueue(before);
        if (Fault is { } fault)
        {
            return Task.FromException<int>(fault);
        }

        var expired = Rows.Values.Where(r => r.ExpiresAt < before).Take(limit).ToList();
        foreach (var row in expired)
        {
            Rows.TryRemove(row.Id, out _);
        }

        return Task.FromResult(expired.Count);
    }
}
