using Akka.Actor;

namespace ActorSessions.Durability;

/// <summary>
/// The container's end of its journal: turns what the book did into the journal's records, keeps the
/// touches to write behind and the sessions to write whole once a failed store is back. A container in
/// memory has a link with no journal, whose every record is durable at once (<see cref="CommitsAtOnce"/>):
/// the container runs the same path either way.
/// </summary>
internal sealed class JournalLink
{
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);

    // Sessions a failed commit carried: whether it landed is unknown, so once the store is back each is
    // written as memory holds it, whole (or deleted), never as a change to a row that may not be there.
    private readonly HashSet<string> _rewrites = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SessionImage> _firstImages = new(StringComparer.Ordinal);

    private JournalLink(IActorRef? journal) => Journal = journal;

    public static JournalLink InMemory() => new(null);

    public static JournalLink To(IActorRef journal) => new(journal);

    public IActorRef? Journal { get; }

    /// <summary>No store: a write is durable as soon as it is made.</summary>
    public bool CommitsAtOnce => Journal is null;

    /// <summary>Touches and rewrites not yet sent; read by the metrics' collection off the actor's thread.</summary>
    public int Waiting => _touched.Count + _rewrites.Count;

    /// <summary>Remembers the sessions whose stamps alone changed, to write behind.</summary>
    public void Touched(BookChanges changes, SessionBook book)
    {
        if (Journal is null)
        {
            return;
        }

        foreach (var id in changes.Touched)
        {
            _touched.Add(id);
        }

        if (changes.TouchedAll)
        {
            book.ForEachId(id => _touched.Add(id));
        }
    }

    /// <summary>Sends the writes of <paramref name="changes"/> as record <paramref name="seq"/>: each session as the book holds it now.</summary>
    public void Record(long seq, BookChanges changes, SessionBook book)
    {
        if (Journal is null)
        {
            return;
        }

        // The first image of a session is the state its store row is known to be in.
        _firstImages.Clear();
        foreach (var (id, before) in changes.Writes)
        {
            _firstImages.TryAdd(id, before);
        }

        var entries = new List<JournalEntry>(_firstImages.Count);
        foreach (var (id, before) in _firstImages)
        {
            entries.Add(Entry(id, book, before.Existed && !_rewrites.Contains(id) ? before.Data : null));
            _touched.Remove(id);
        }

        _firstImages.Clear();
        Journal.Tell(new JournalRecord(seq, entries));
    }

    /// <summary>Sends the touches and rewrites waiting as record <paramref name="seq"/>; <see langword="false"/> when there were none.</summary>
    public bool Flush(long seq, SessionBook book)
    {
        if (Journal is null || Waiting == 0)
        {
            return false;
        }

        var entries = new List<JournalEntry>(Waiting);
        foreach (var id in _rewrites)
        {
            entries.Add(Entry(id, book, committed: null));
            _touched.Remove(id);
        }

        foreach (var id in _touched)
        {
            // A touched session that ended meanwhile was written as ended by its own write.
            if (book.TryGetStored(id, out var state))
            {
                entries.Add(Entry(id, state, state.Data));
            }
        }

        _rewrites.Clear();
        _touched.Clear();
        Journal.Tell(new JournalRecord(seq, entries));
        return true;
    }

    /// <summary>The journal dropped these records: their sessions' rows are unknown until rewritten.</summary>
    public void Undone(PendingCommit[] failed)
    {
        foreach (var commit in failed)
        {
            foreach (var write in commit.Undo)
            {
                _rewrites.Add(write.Id);
            }
        }
    }

    private static JournalEntry Entry(string id, SessionBook book, SessionData? committed) =>
        book.TryGetStored(id, out var state) ? Entry(id, state, committed) : JournalEntry.Deleted(id);

    private static JournalEntry Entry(string id, SessionImage state, SessionData? committed) =>
        new(id, true, state.Data, state.CreatedAtTicks, state.LastModifiedTicks, state.Version, committed);
}
