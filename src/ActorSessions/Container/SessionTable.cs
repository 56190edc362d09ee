namespace ActorSessions;

/// <summary>
/// The container's session dictionary, laid out for memory: at a million sessions every byte per entry
/// is a megabyte. Entries are structs in fixed-size chunks (no object header, no array doubling); the
/// index by id is a hash table whose chains run through the entries themselves (see
/// <c>SessionTable.Index.cs</c>), and the two expiry indexes are intrusive doubly linked lists of slot
/// numbers: by last touch (idle expiry and eviction) and by creation (absolute expiry). Both lists stay
/// sorted by construction, so finding what has expired costs only what has.
/// </summary>
/// <remarks>Owned by one actor; not thread-safe.</remarks>
internal sealed partial class SessionTable
{
    public const int None = -1;

    // 1,024 entries of 80 bytes stay under the 85,000-byte large-object threshold.
    private const int ChunkShift = 10;
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private Entry[][] _chunks = [];
    private int _slotsUsed;
    private int _freeHead = None;

    private int _idleHead = None;
    private int _idleTail = None;
    private int _ageHead = None;
    private int _ageTail = None;

    public int Count { get; private set; }

    /// <summary>The slot touched longest ago, or <see cref="None"/>.</summary>
    public int LeastRecentlyTouched => _idleHead;

    /// <summary>The slot created longest ago, or <see cref="None"/>.</summary>
    public int OldestCreated => _ageHead;

    public ref Entry this[int slot] => ref _chunks[slot >> ChunkShift][slot & ChunkMask];

    /// <summary>Adds a session as the most recently touched and the newest. The id must not be held.</summary>
    public int Add(string id, SessionData data, long createdAtTicks, long timestamp)
    {
        var hash = Hash(id);
        if (Find(id, hash) != None)
        {
            throw new InvalidOperationException("The session id is already held.");
        }

        GrowIndex();
        var slot = AllocateSlot();
        ref var e = ref this[slot];
        e.Id = id;
        e.Data = data;
        e.CreatedAtTicks = createdAtTicks;
        e.LastModifiedTicks = createdAtTicks;
        e.Version = 0;
        e.Created = timestamp;
        e.LastTouched = timestamp;
        Link(slot, hash);
        Count++;
        AppendIdle(slot);
        AppendAge(slot);
        return slot;
    }

    /// <summary>Marks the slot as touched now: it moves to the end of the idle list.</summary>
    public void Touch(int slot, long timestamp, long wallTicks)
    {
        ref var e = ref this[slot];
        e.LastTouched = timestamp;
        e.LastModifiedTicks = wallTicks;
        if (slot != _idleTail)
        {
            UnlinkIdle(slot);
            AppendIdle(slot);
        }
    }

    /// <summary>Gives the session in <paramref name="slot"/> a new id; its place in both lists is kept.</summary>
    public void Rename(int slot, string newId)
    {
        Unlink(slot);
        this[slot].Id = newId;
        Link(slot, Hash(newId));
    }

    public void Remove(int slot)
    {
        Unlink(slot);
        Count--;
        UnlinkIdle(slot);
        UnlinkAge(slot);
        FreeSlot(slot);
    }

    /// <summary>Visits every session, oldest first.</summary>
    public void ForEach(EntryAction action)
    {
        for (var slot = _ageHead; slot != None; slot = this[slot].AgeNext)
        {
            action(ref this[slot]);
        }
    }

    public delegate void EntryAction(ref Entry entry);

    private int AllocateSlot()
    {
        if (_freeHead != None)
        {
            var slot = _freeHead;
            _freeHead = this[slot].IdleNext;
            return slot;
        }

        if (_slotsUsed == _chunks.Length * ChunkSize)
        {
            Array.Resize(ref _chunks, Math.Max(4, _chunks.Length * 2));
        }

        var chunk = _slotsUsed >> ChunkShift;
        _chunks[chunk] ??= new Entry[ChunkSize];
        return _slotsUsed++;
    }

    private void FreeSlot(int slot)
    {
        // Dropping the references lets the id and data be collected while the slot waits for reuse.
        this[slot] = new Entry { IdleNext = _freeHead, IdlePrev = None, AgeNext = None, AgePrev = None };
        _freeHead = slot;
    }

    private void AppendIdle(int slot)
    {
        ref var e = ref this[slot];
        e.IdlePrev = _idleTail;
        e.IdleNext = None;
        if (_idleTail == None)
        {
            _idleHead = slot;
        }
        else
        {
            this[_idleTail].IdleNext = slot;
        }

        _idleTail = slot;
    }

    private void UnlinkIdle(int slot)
    {
        ref var e = ref this[slot];
        if (e.IdlePrev == None)
        {
            _idleHead = e.IdleNext;
        }
        else
        {
            this[e.IdlePrev].IdleNext = e.IdleNext;
        }

        if (e.IdleNext == None)
        {
            _idleTail = e.IdlePrev;
        }
        else
        {
            this[e.IdleNext].IdlePrev = e.IdlePrev;
        }
    }

    private void AppendAge(int slot)
    {
        ref var e = ref this[slot];
        e.AgePrev = _ageTail;
        e.AgeNext = None;
        if (_ageTail == None)
        {
            _ageHead = slot;
        }
        else
        {
            this[_ageTail].AgeNext = slot;
        }

        _ageTail = slot;
    }

    private void UnlinkAge(int slot)
    {
        ref var e = ref this[slot];
        if (e.AgePrev == None)
        {
            _ageHead = e.AgeNext;
        }
        else
        {
            this[e.AgePrev].AgeNext = e.AgeNext;
        }

        if (e.AgeNext == None)
        {
            _ageTail = e.AgePrev;
        }
        else
        {
            this[e.AgeNext].AgePrev = e.AgePrev;
        }
    }

    /// <summary>One session. 80 bytes: two references, five longs, four list links, its hash and its chain link.</summary>
    internal struct Entry
    {
        /// <summary>The id; <see langword="null"/> while the slot is free.</summary>
        public string? Id;

        /// <summary>The data; empty (no array) until the first write, so an empty session holds no map.</summary>
        public SessionData Data;

        /// <summary>Wall-clock UTC ticks, for the snapshot only.</summary>
        public long CreatedAtTicks;

        /// <summary>Wall-clock UTC ticks, for the snapshot only.</summary>
        public long LastModifiedTicks;

        public long Version;

        /// <summary>Monotonic timestamp of creation: absolute expiry.</summary>
        public long Created;

        /// <summary>Monotonic timestamp of the last open or save: idle expiry.</summary>
        public long LastTouched;

        public int IdlePrev;
        public int IdleNext;
        public int AgePrev;
        public int AgeNext;

        /// <summary>The id's hash code, kept so the index grows and chains are walked without rehashing ids.</summary>
        public int HashCode;

        /// <summary>The next slot in the same index bucket, plus one; 0 ends the chain.</summary>
        public int BucketNext;
    }
}
