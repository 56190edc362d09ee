namespace ActorSessions;

/// <summary>
/// Ids the container retired a moment ago, by logout (<see cref="DeleteSession"/>) or renewal
/// (<see cref="RenewSessionId"/>), so that a request still carrying one is told so
/// (<see cref="SessionNotFound.Retired"/>) and its writes can be refused instead of starting a session of
/// their own: a page's other requests racing a login or a logout then never fork the user's session.
/// Kept in memory for a short window and a bounded number of ids; oldest first out.
/// </summary>
internal sealed class RetiredIds
{
    /// <summary>
    /// Two minutes: long enough for the requests a page had in flight at a login or logout to arrive, far
    /// shorter than any idle timeout, so an id is remembered only while its racing requests matter.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(2);

    /// <summary>
    /// At most this many ids (about 6 MB at worst), so a client renewing in a loop cannot grow the memory
    /// without bound; past it the oldest are forgotten first and their late requests are treated as strangers.
    /// </summary>
    public const int Capacity = 65_536;

    private readonly Dictionary<string, long> _retiredAt = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, long At)> _order = new();
    private readonly long _window;

    public RetiredIds(long timestampFrequency)
    {
        _window = (long)(Window.TotalSeconds * timestampFrequency);
    }

    public int Count => _retiredAt.Count;

    public void Add(string id, long now)
    {
        Prune(now);
        if (_order.Count == Capacity)
        {
            Forget(_order.Dequeue());
        }

        _retiredAt[id] = now;
        _order.Enqueue((id, now));
    }

    public bool Contains(string id, long now) =>
        _retiredAt.TryGetValue(id, out var at) && now - at < _window;

    private void Prune(long now)
    {
        while (_order.TryPeek(out var oldest) && now - oldest.At >= _window)
        {
            Forget(_order.Dequeue());
        }
    }

    private void Forget((string Id, long At) entry)
    {
        // A later retirement of the same id (a session re-created under it cannot happen: ids are unique) keeps its own stamp.
        if (_retiredAt.TryGetValue(entry.Id, out var at) && at == entry.At)
        {
            _retiredAt.Remove(entry.Id);
        }
    }
}
