namespace ActorSessions;

/// <summary>
/// What requests did to a <see cref="SessionBook"/> beyond their replies: the writes they made (each with
/// the session as it was before, to undo it), the events that follow once those writes are durable, the
/// events that happened at once (an expiry is no write: a store's rows expire by themselves), and the
/// sessions whose stamps alone changed. The book appends; its owner reads and then clears.
/// </summary>
internal sealed class BookChanges
{
    /// <summary>Each write, in order; a session written twice appears twice, its first image the one to undo to.</summary>
    public List<BookWrite> Writes { get; } = [];

    /// <summary>Events of the writes, to apply once they have committed, and never if they fail.</summary>
    public List<ISessionMessage> AfterCommit { get; } = [];

    /// <summary>Events that happened without a write, to apply now.</summary>
    public List<ISessionMessage> Happened { get; } = [];

    /// <summary>Sessions opened or loaded again: only their stamps changed, written behind.</summary>
    public List<string> Touched { get; } = [];

    /// <summary>Every session's stamps changed (<see cref="AdjustTime"/>).</summary>
    public bool TouchedAll { get; set; }

    public bool Wrote => Writes.Count > 0;

    public void Clear()
    {
        Writes.Clear();
        AfterCommit.Clear();
        Happened.Clear();
        Touched.Clear();
        TouchedAll = false;
    }
}

/// <summary>One write to the book: the session it changed (or created, or removed) and how it was before.</summary>
internal readonly record struct BookWrite(string Id, SessionImage Before);

/// <summary>A session as it was before a write changed it; <c>default</c> means it did not exist.</summary>
internal readonly record struct SessionImage(
    bool Existed,
    SessionData Data,
    long CreatedAtTicks,
    long LastModifiedTicks,
    long Version,
    long Created)
{
    public static SessionImage Of(ref SessionTable.Entry e) =>
        new(true, e.Data, e.CreatedAtTicks, e.LastModifiedTicks, e.Version, e.Created);
}
