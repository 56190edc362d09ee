namespace ActorSessions;

/// <summary>
/// The container's session dictionary, laid out for memory: at a million sessions every byte per entry
/// is a megabyte. Entries are structs in fixed-size chunks (no object header, no array doubling); the
/// index by id is a hash table whose chains run through the entries themselves (see
/// <c>SessionTable.Index.cs</c>), and the expiry indexes are intrusive doubly linked lists of slot
/// numbers: by last touch (idle expiry and eviction) and by creation (absolute expiry). Every list stays
/// sorted by construction, so finding what has expired costs only what has.
/// </summary>
/// <remarks>
/// <para>Eviction is a segmented LRU, as in Caffeine's W-TinyLFU: a new session is on probation; a
/// session touched again once it is <see cref="_promoteAfter"/> old is protected. Protected sessions are
/// at most <see cref="_protectedCapacity"/>; beyond that the one touched longest ago is demoted back to
/// probation. <see cref="NextVictim"/> takes probation's least recently touched session first, so a flood
/// of sessions used once evicts only sessions used once.</para>
/// <para>The last-touch order is kept as three lists that share the entries' idle links, each sorted by
/// <see cref="Entry.LastTouched"/> because each is only ever appended to with a time no earlier than its
/// tail's: probation (new and touched-while-young sessions), demoted (protected heads, taken in order)
/// and protected. The session touched longest ago is the oldest of their three heads.</para>
/// <para>Owned by one actor; not thread-safe.</para>
/// </remarks>
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

    private readonly int _protectedCapacity;
    private readonly long _promoteAfter;

    private IdleList _probation = IdleList.Empty;
    private IdleList _demoted = IdleList.Empty;
    private IdleList _protected = IdleList.Empty;
    private int _ageHead = None;
    private int _ageTail = None;

    /// <summary>A table whose sessions all stay on probation: eviction is plain LRU.</summary>
    public SessionTable()
        : this(protectedCapacity: 0, promoteAfter: 0)
    {
    }

    /// <param name="protectedCapacity">The most sessions the protected segment holds.</param>
    /// <param name="promoteAfter">How old (in timestamp ticks) a session must be for a touch to protect it.</param>
    public SessionTable(int protectedCapacity, long promoteAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(protectedCapacity);
        ArgumentOutOfRangeException.ThrowIfNegative(promoteAfter);
        _protectedCapacity = protectedCapacity;
        _promoteAfter = promoteAfter;
    }

    public int Count { get; private set; }

    /// <summary>How many sessions are in the protected segment; the rest are on probation.</summary>
    public int ProtectedCount { get; private set; }

    /// <summary>The bytes of data held, as <see cref="SessionSize.Of"/> counts them, over every session.</summary>
    public long DataBytes { get; private set; }

    /// <summary>The keys held, over every session.</summary>
    public long KeyCount { get; private set; }

    /// <summary>The slot touched longest ago, in either segment, or <see cref="None"/>.</summary>
    public int LeastRecentlyTouched => Older(Older(_probation.Head, _demoted.Head), _protected.Head);

    /// <summary>The slot touched longest ago on probation, or <see cref="None"/>: the first to evict.</summary>
    public int LeastRecentlyTouchedOnProbation => Older(_probation.Head, _demoted.Head);

    /// <summary>The protected slot touched longest ago, or <see cref="None"/>: the next to demote.</summary>
    public int LeastRecentlyTouchedProtected => _protected.Head;

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
        DataBytes += SessionSize.Of(data);
        KeyCount += data.Count;
        e.CreatedAtTicks = createdAtTicks;
        e.LastModifiedTicks = createdAtTicks;
        e.Version = 0;
        e.Created = timestamp;
        e.LastTouched = timestamp;
        Link(slot, hash);
        Count++;
        Append(ref _probation, slot);
        AppendAge(slot);
        return slot;
    }

    /// <summary>
    /// Marks the slot as touched now: it moves to the most recent end of probation, or, when the session
    /// is protected already, was opened again by its id (<paramref name="cameBack"/>) or is at least
    /// <see cref="_promoteAfter"/> old, of the protected segment, which demotes the protected session
    /// touched longest ago when it is full.
    /// </summary>
    /// <remarks>
    /// Not any second touch, because one web request can touch a new session twice (the ASP.NET Core layer
    /// creates it, then writes its first keys), microseconds apart. Coming back with the id (a later
    /// request's load) or a person's pace decides.
    /// </remarks>
    public void Touch(int slot, long timestamp, long wallTicks, bool cameBack = false)
    {
        ref var e = ref this[slot];
        e.LastTouched = timestamp;
        e.LastModifiedTicks = wallTicks;
        if (!e.IsProtected && !cameBack && timestamp - e.Created < _promoteAfter)
        {
            if (slot != _probation.Tail)
            {
                UnlinkIdle(slot);
                Append(ref _probation, slot);
            }

            return;
        }

        if (e.IsProtected)
        {
            if (slot != _protected.Tail)
            {
                UnlinkIdle(slot);
                Append(ref _protected, slot);
            }

            return;
        }

        UnlinkIdle(slot);
        e.IsProtected = true;
        ProtectedCount++;
        Append(ref _protected, slot);
        while (ProtectedCount > _protectedCapacity)
        {
            // Protected heads leave in order of last touch, so the demoted list stays sorted too.
            var demoted = _protected.Head;
            UnlinkIdle(demoted);
            this[demoted].IsProtected = false;
            ProtectedCount--;
            Append(ref _demoted, demoted);
        }
    }

    /// <summary>Replaces the data of the session in <paramref name="slot"/>, keeping <see cref="DataBytes"/> and <see cref="KeyCount"/> in step.</summary>
    public void SetData(int slot, SessionData data) => SetData(slot, data, SessionSize.Of(data), SessionSize.Of(this[slot].Data));

    /// <summary>As <see cref="SetData(int, SessionData)"/>, with both sizes already counted by a write that checked its limits.</summary>
    public void SetData(int slot, SessionData data, long bytes, long bytesBefore)
    {
        ref var e = ref this[slot];
        DataBytes += bytes - bytesBefore;
        KeyCount += data.Count - e.Data.Count;
        e.Data = data;
    }

    /// <summary>
    /// The session to evict to make room: probation's least recently touched, else the protected one
    /// touched longest ago; never <paramref name="except"/>. <see cref="None"/> when there is no other.
    /// </summary>
    public int NextVictim(int except = None)
    {
        var victim = Older(Skip(_probation.Head, except), Skip(_demoted.Head, except));
        return victim != None ? victim : Skip(_protected.Head, except);
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
        if (this[slot].IsProtected)
        {
            ProtectedCount--;
        }

        DataBytes -= SessionSize.Of(this[slot].Data);
        KeyCount -= this[slot].Data.Count;
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

    /// <summary>Of two slots (either may be <see cref="None"/>), the one touched longer ago.</summary>
    private int Older(int a, int b) =>
        a == None ? b : b == None ? a : this[b].LastTouched < this[a].LastTouched ? b : a;

    /// <summary>The head of a list, or the one after it when the head is <paramref name="except"/>.</summary>
    private int Skip(int head, int except) => head != None && head == except ? this[head].IdleNext : head;

    private void Append(ref IdleList list, int slot)
    {
        ref var e = ref this[slot];
        e.IdlePrev = list.Tail;
        e.IdleNext = None;
        if (list.Tail == None)
        {
            list.Head = slot;
        }
        else
        {
            this[list.Tail].IdleNext = slot;
        }

        list.Tail = slot;
    }

    /// <summary>
    /// Takes the slot out of whichever idle list holds it. Only a list's ends are kept outside the entries,
    /// so the list need not be known: a slot with no neighbour on one side is that end of one of them.
    /// </summary>
    private void UnlinkIdle(int slot)
    {
        ref var e = ref this[slot];
        if (e.IdlePrev == None)
        {
            ListWithHead(slot).Head = e.IdleNext;
        }
        else
        {
            this[e.IdlePrev].IdleNext = e.IdleNext;
        }

        if (e.IdleNext == None)
        {
            ListWithTail(slot).Tail = e.IdlePrev;
        }
        else
        {
            this[e.IdleNext].IdlePrev = e.IdlePrev;
        }
    }

    private ref IdleList ListWithHead(int slot)
    {
        if (_probation.Head == slot)
        {
            return ref _probation;
        }

        if (_demoted.Head == slot)
        {
            return ref _demoted;
        }

        return ref _protected;
    }

    private ref IdleList ListWithTail(int slot)
    {
        if (_probation.Tail == slot)
        {
            return ref _probation;
        }

        if (_demoted.Tail == slot)
        {
            return ref _demoted;
        }

        return ref _protected;
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

    /// <summary>The two ends of one idle list.</summary>
    private struct IdleList
    {
        public static readonly IdleList Empty = new() { Head = None, Tail = None };

        public int Head;
        public int Tail;
    }

    /// <summary>One session. 80 bytes: two references, five longs, four list links, its hash and segment, and its chain link.</summary>
    internal struct Entry
    {
        private const int ProtectedBit = int.MinValue;

        /// <summary>The id; <see langword="null"/> while the slot is free.</summary>
        public string? Id;

        /// <summary>
        /// The data; empty (no array) until the first write, so an empty session holds no map. Change it
        /// only through <see cref="SetData(int, SessionData)"/>, which keeps <see cref="DataBytes"/> and <see cref="KeyCount"/>.
        /// </summary>
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

        /// <summary>
        /// The id's hash code (31 bits, see <see cref="Hash"/>), kept so the index grows and chains are walked
        /// without rehashing ids; the top bit says whether the session is protected, which costs no field.
        /// </summary>
        public int HashAndSegment;

        /// <summary>The next slot in the same index bucket, plus one; 0 ends the chain.</summary>
        public int BucketNext;

        /// <summary>The id's hash code.</summary>
        public readonly int HashCode => HashAndSegment & ~ProtectedBit;

        /// <summary>Whether the session is in the protected segment rather than on probation.</summary>
        public bool IsProtected
        {
            readonly get => HashAndSegment < 0;
            set => HashAndSegment = value ? HashAndSegment | ProtectedBit : HashAndSegment & ~ProtectedBit;
        }
    }
}
