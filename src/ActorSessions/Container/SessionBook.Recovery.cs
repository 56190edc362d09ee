namespace ActorSessions;

// Filling the book from a store at start, in chunks, and what a batch of requests needs to be served fast.
internal sealed partial class SessionBook
{
    private const int WarmWindow = 64;

    private readonly string?[] _warmIds = new string?[WarmWindow];

    // While the container serves during recovery: the ids decided meanwhile that the table may not hold,
    // those looked up in the store and those ended. A row read behind for one of them is older than what
    // the book knows, and is never added.
    private HashSet<string>? _settled;

    /// <summary>Whether the book serves while its rows are still read (<see cref="BeginServingWhileRecovering"/>).</summary>
    public bool ServingWhileRecovering => _settled is not null;

    /// <summary>
    /// From now until <see cref="RecoveryDone"/> the book serves requests while rows are still added: a
    /// request must then wait until <see cref="Knows"/> its session, and what is ended meanwhile stays ended.
    /// </summary>
    public void BeginServingWhileRecovering() => _settled = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Whether the book can answer a request about <paramref name="id"/> from memory: always, but while it
    /// serves during recovery only once the session is held or settled (or the id is none a container
    /// issues, which the request is refused for alike).
    /// </summary>
    public bool Knows(string? id) =>
        _settled is null || id is null || !SessionIdGenerator.IsWellFormed(id) || _table.Find(id) != SessionTable.None || _settled.Contains(id);

    /// <summary>The store has said what it holds of <paramref name="id"/> (its row was added, or it has none): later rows of it are stale.</summary>
    public void Settle(string id) => _settled?.Add(id);

    /// <summary>
    /// Adds a session read from the store. Its stamps are wall-clock; expiry runs on the monotonic clock, so
    /// its age and idle time are carried over as "this long ago" from <paramref name="now"/>. An id already
    /// held is skipped, and so is one settled while serving during recovery. Rows come in no order: <see cref="RecoveryDone"/> sorts the lists once at the end.
    /// </summary>
    public void Recover(string id, SessionData data, long createdAtTicks, long lastModifiedTicks, long version, long now, long wallNow)
    {
        if (_table.Find(id) != SessionTable.None || _settled?.Contains(id) == true)
        {
            return;
        }

        var slot = _table.Add(id, data, createdAtTicks, Ago(now, wallNow, lastModifiedTicks));
        ref var e = ref _table[slot];
        e.LastModifiedTicks = lastModifiedTicks;
        e.Version = version;
        e.Created = Ago(now, wallNow, createdAtTicks);
    }

    /// <summary>Orders the idle and creation lists after the last chunk, so expiry and eviction find the right sessions first.</summary>
    public void RecoveryDone()
    {
        _settled = null;
        _table.SortProbationByTouch();
        _table.SortByCreation();
    }

    /// <summary>Drops every session: a recovery that failed halfway starts again from nothing.</summary>
    public void Clear()
    {
        _settled = null;
        while (_table.OldestCreated is var slot && slot != SessionTable.None)
        {
            _table.Remove(slot);
        }
    }

    private long Ago(long now, long wallNow, long wallTicks)
    {
        if (wallTicks >= wallNow)
        {
            return now;
        }

        var ago = (Int128)now - ((Int128)(wallNow - wallTicks) * TimestampFrequency / TimeSpan.TicksPerSecond);
        return ago < long.MinValue / 2 ? long.MinValue / 2 : (long)ago;
    }

    /// <summary>
    /// Has the table read the entries of the next <see cref="WarmWindow"/> requests of a batch into the CPU
    /// caches together (<see cref="SessionTable.Warm"/>), before they are served one by one; called at every
    /// window's start. A window rather than the whole batch, so that what is warmed is still in the caches
    /// when its request is served.
    /// </summary>
    public void Warm(IReadOnlyList<ISessionRequest> requests, int start)
    {
        if (start % WarmWindow != 0)
        {
            return;
        }

        var ids = _warmIds.AsSpan(0, Math.Min(WarmWindow, requests.Count - start));
        for (var i = 0; i < ids.Length; i++)
        {
            var id = SessionRequests.IdOf(requests[start + i]);

            // Only what could be an id is hashed here; FindLive checks the rest.
            ids[i] = id?.Length is >= SessionSettings.MinSessionIdLength and <= SessionSettings.MaxSessionIdLength ? id : null;
        }

        _table.Warm(ids);
        ids.Clear();
    }
}
