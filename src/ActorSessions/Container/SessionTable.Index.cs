namespace ActorSessions;

/// <summary>
/// The index by id: a hash table whose buckets hold the first slot of a chain, and whose chains run
/// through the entries (<see cref="Entry.BucketNext"/>), so it costs 8 bytes in each entry plus 4 a
/// bucket, with no node objects. Ids are hashed with the runtime's randomized string hash, so nobody can
/// choose ids that collide.
/// </summary>
/// <remarks>
/// It is our own rather than a <see cref="HashSet{T}"/> so that a batch can look many ids up at once
/// (<see cref="Warm"/>): with a hundred thousand sessions most lookups miss the CPU caches several times
/// over, and a container serving one request after another waits for each miss in turn.
/// </remarks>
internal sealed partial class SessionTable
{
    private const int InitialBuckets = 64;

    // Buckets split per addition while the index doubles: the doubling is done after a quarter of the
    // additions that would fill the doubled array.
    private const int SplitsPerAddition = 4;

    // Bucket heads are slot + 1, so that a new array is all empty chains.
    private int[] _buckets = new int[InitialBuckets];

    // While the index doubles: the old size, and the next bucket of the lower half to split.
    private bool _splitting;
    private int _half;
    private int _splitNext;

    // Read by nobody: it keeps the loads of Warm from being optimized away.
    private int _warmSink;

    // The ids Warm hashed, in order, and their hashes: the lookups that follow come in the same order
    // and take the hash from here instead of hashing the id again.
    private string?[] _warmedIds = new string?[64];
    private int[] _warmedHashes = new int[64];
    private int _warmedCount;
    private int _warmedNext;

    public int Find(string id) => Find(id, WarmedHash(id));

    /// <summary>
    /// Reads into the CPU caches what looking up <paramref name="ids"/> (and touching what is found) will
    /// read, a step at a time for all of them: each step's loads are independent of each other, so the
    /// CPU overlaps their cache misses instead of waiting for one after another. Changes nothing.
    /// </summary>
    /// <param name="ids">Ids about to be looked up; <see langword="null"/> entries are skipped.</param>
    public void Warm(ReadOnlySpan<string?> ids)
    {
        if (ids.Length < 2 || Count == 0)
        {
            return;
        }

        Span<int> step = ids.Length <= 256 ? stackalloc int[ids.Length] : new int[ids.Length];
        var sink = 0;

        // The ids themselves, which a caller made on another core.
        foreach (var id in ids)
        {
            sink += id?.Length ?? 0;
        }

        if (_warmedIds.Length < ids.Length)
        {
            _warmedIds = new string?[ids.Length];
            _warmedHashes = new int[ids.Length];
        }

        Array.Clear(_warmedIds, 0, _warmedCount);
        _warmedCount = 0;
        _warmedNext = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            if (ids[i] is { } id)
            {
                step[i] = Hash(id);
                _warmedIds[_warmedCount] = id;
                _warmedHashes[_warmedCount++] = step[i];
            }
        }

        // The buckets.
        for (var i = 0; i < ids.Length; i++)
        {
            step[i] = ids[i] is null ? 0 : _buckets[BucketOf(step[i])];
        }

        // The first entry of each chain.
        for (var i = 0; i < step.Length; i++)
        {
            if (step[i] != 0)
            {
                sink += this[step[i] - 1].HashCode;
            }
        }

        // The stored id the lookup compares with, and the neighbours a touch relinks.
        for (var i = 0; i < step.Length; i++)
        {
            if (step[i] != 0)
            {
                ref var e = ref this[step[i] - 1];
                sink += e.Id?.Length ?? 0;
                sink += e.IdlePrev == None ? 0 : this[e.IdlePrev].IdleNext;
                sink += e.IdleNext == None ? 0 : this[e.IdleNext].IdlePrev;
            }
        }

        _warmSink = sink;
    }

    /// <summary>The id's hash, less its top bit, which <see cref="Entry.HashAndSegment"/> uses for the segment.</summary>
    private static int Hash(string id) => id.GetHashCode(StringComparison.Ordinal) & int.MaxValue;

    /// <summary>
    /// The hash of <paramref name="id"/>: taken from the last <see cref="Warm"/> when it is the id (the
    /// same string object) warmed next or a few after it, else computed.
    /// </summary>
    private int WarmedHash(string id)
    {
        var end = Math.Min(_warmedCount, _warmedNext + 4);
        for (var i = _warmedNext; i < end; i++)
        {
            if (ReferenceEquals(_warmedIds[i], id))
            {
                _warmedNext = i + 1;
                return _warmedHashes[i];
            }
        }

        return Hash(id);
    }

    private int Find(string id, int hash)
    {
        for (var next = _buckets[BucketOf(hash)]; next != 0;)
        {
            ref var e = ref this[next - 1];
            if (e.HashCode == hash && string.Equals(e.Id, id, StringComparison.Ordinal))
            {
                return next - 1;
            }

            next = e.BucketNext;
        }

        return None;
    }

    /// <summary>
    /// The bucket that holds <paramref name="hash"/>. While the index doubles, a bucket of the upper half
    /// whose lower twin has not been split yet is still found in that twin.
    /// </summary>
    private int BucketOf(int hash)
    {
        var bucket = hash & (_buckets.Length - 1);
        if (_splitting && (bucket & _half) != 0 && bucket - _half >= _splitNext)
        {
            bucket -= _half;
        }

        return bucket;
    }

    /// <summary>
    /// Makes room for one more session; called before a new slot is filled. At most one session a bucket
    /// on average keeps chains short, so when the index is full its bucket array doubles. The sessions
    /// are not moved all at once, which at a million sessions held the container's turn for about 30 ms:
    /// the new array starts as a copy of the old one in its lower half, and each addition then splits the
    /// next few buckets between their lower and upper halves, by one more bit of the hash, finishing long
    /// before the array is full again.
    /// </summary>
    private void GrowIndex()
    {
        if (_splitting)
        {
            for (var i = 0; i < SplitsPerAddition && _splitting; i++)
            {
                Split(_splitNext++);
                _splitting = _splitNext < _half;
            }
        }
        else if (Count >= _buckets.Length)
        {
            var grown = new int[_buckets.Length * 2];
            Array.Copy(_buckets, grown, _buckets.Length);
            _half = _buckets.Length;
            _buckets = grown;
            _splitNext = 0;
            _splitting = true;
        }
    }

    /// <summary>Moves the sessions of <paramref name="bucket"/> whose hash has the new bit set to its upper twin.</summary>
    private void Split(int bucket)
    {
        int lower = 0, upper = 0;
        for (var next = _buckets[bucket]; next != 0;)
        {
            ref var e = ref this[next - 1];
            var after = e.BucketNext;
            if ((e.HashCode & _half) == 0)
            {
                e.BucketNext = lower;
                lower = next;
            }
            else
            {
                e.BucketNext = upper;
                upper = next;
            }

            next = after;
        }

        _buckets[bucket] = lower;
        _buckets[bucket + _half] = upper;
    }

    private void Link(int slot, int hash)
    {
        ref var e = ref this[slot];
        ref var head = ref _buckets[BucketOf(hash)];
        e.HashAndSegment = hash | (e.HashAndSegment & int.MinValue);
        e.BucketNext = head;
        head = slot + 1;
    }

    private void Unlink(int slot)
    {
        ref var e = ref this[slot];
        ref var link = ref _buckets[BucketOf(e.HashCode)];
        while (link != slot + 1)
        {
            link = ref this[link - 1].BucketNext;
        }

        link = e.BucketNext;
        e.BucketNext = 0;
    }
}
