using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace ActorSessions;

/// <summary>
/// The container's session dictionary, laid out for memory: at a million sessions every byte per entry
/// is a megabyte. Entries are structs in fixed-size chunks (no object header, no array doubling), the
/// index is a <see cref="HashSet{T}"/> of slot numbers hashed by the slot's id (12 bytes a slot where a
/// <c>Dictionary&lt;string, Entry&gt;</c> takes 24), and the two expiry indexes are intrusive doubly
/// linked lists of slot numbers: by last touch (idle expiry and eviction) and by creation (absolute
/// expiry). Both lists stay sorted by construction, so finding what has expired costs only what has.
/// </summary>
/// <remarks>Owned by one actor; not thread-safe.</remarks>
internal sealed partial class SessionTable
{
    public const int None = -1;

    // 1,024 entries of 72 bytes stay under the 85,000-byte large-object threshold.
    private const int ChunkShift = 10;
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private readonly HashSet<int> _index;
    private readonly HashSet<int>.AlternateLookup<string> _byId;
    private int _indexCapacity;
    private Entry[][] _chunks = [];
    private int _slotsUsed;
    private int _freeHead = None;

    private int _idleHead = None;
    private int _idleTail = None;
    private int _ageHead = None;
    private int _ageTail = None;

    public SessionTable()
    {
        var comparer = new SlotComparer(this);
        _index = new HashSet<int>(comparer);
        _byId = _index.GetAlternateLookup<string>();
        _indexCapacity = _index.EnsureCapacity(0);
    }

    public int Count => _index.Count;

    /// <summary>The slot touched longest ago, or <see cref="None"/>.</summary>
    public int LeastRecentlyTouched => _idleHead;

    /// <summary>The slot created longest ago, or <see cref="None"/>.</summary>
    public int OldestCreated => _ageHead;

    public ref Entry this[int slot] => ref _chunks[slot >> ChunkShift][slot & ChunkMask];

    public int Find(string id) => _byId.TryGetValue(id, out var slot) ? slot : None;

    /// <summary>Adds a session as the most recently touched and the newest. The id must not be held.</summary>
    public int Add(string id, ImmutableDictionary<string, ImmutableArray<byte>>? data, long createdAtTicks, long timestamp)
    {
        if (_index.Count == _indexCapacity)
        {
            // HashSet doubles when full, which at a million sessions leaves ~40% of its slots empty
            // (16 bytes each). Growing by a quarter ahead of it costs a few more rehashes on the way up.
            _indexCapacity = _index.EnsureCapacity(_indexCapacity + Math.Max(_indexCapacity / 4, 64));
        }

        var slot = AllocateSlot();
        ref var e = ref this[slot];
        e.Id = id;
        e.Data = data;
        e.CreatedAtTicks = createdAtTicks;
        e.LastModifiedTicks = createdAtTicks;
        e.Version = 0;
        e.Created = timestamp;
        e.LastTouched = timestamp;
        if (!_index.Add(slot))
        {
            FreeSlot(slot);
            throw new InvalidOperationException("The session id is already held.");
        }

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
        _index.Remove(slot);
        this[slot].Id = newId;
        _index.Add(slot);
    }

    public void Remove(int slot)
    {
        _index.Remove(slot);
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

    /// <summary>One session. 72 bytes: two references, five longs, four list links.</summary>
    internal struct Entry
    {
        /// <summary>The id; <see langword="null"/> while the slot is free.</summary>
        public string? Id;

        /// <summary>The data; <see langword="null"/> until the first write, so an empty session holds no map.</summary>
        public ImmutableDictionary<string, ImmutableArray<byte>>? Data;

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
    }

    /// <summary>Hashes and compares slot numbers by the id stored in the slot, and looks slots up by id.</summary>
    private sealed class SlotComparer(SessionTable table) : IEqualityComparer<int>, IAlternateEqualityComparer<string, int>
    {
        public bool Equals(int x, int y) => x == y || string.Equals(table[x].Id, table[y].Id, StringComparison.Ordinal);

        public int GetHashCode(int slot) => table[slot].Id!.GetHashCode(StringComparison.Ordinal);

        public bool Equals(string alternate, int other) => string.Equals(alternate, table[other].Id, StringComparison.Ordinal);

        public int GetHashCode(string alternate) => alternate.GetHashCode(StringComparison.Ordinal);

        [DoesNotReturn]
        public int Create(string alternate) => throw new NotSupportedException("Slots are added by number, never by id.");
    }
}
