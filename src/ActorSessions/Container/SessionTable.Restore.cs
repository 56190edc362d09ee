namespace ActorSessions;

/// <summary>What recovery from a store needs beyond the table's everyday operations.</summary>
internal sealed partial class SessionTable
{
    /// <summary>
    /// Relinks the creation list in order of <see cref="Entry.Created"/>. Recovery appends sessions in
    /// order of last touch, which keeps the idle list sorted but not the creation list; absolute expiry
    /// relies on that one being sorted too. O(n log n), once per start.
    /// </summary>
    public void SortByCreation()
    {
        if (Count < 2)
        {
            return;
        }

        var slots = new int[Count];
        var n = 0;
        for (var slot = _ageHead; slot != None; slot = this[slot].AgeNext)
        {
            slots[n++] = slot;
        }

        var keys = new long[n];
        for (var i = 0; i < n; i++)
        {
            keys[i] = this[slots[i]].Created;
        }

        Array.Sort(keys, slots, 0, n);
        _ageHead = None;
        _ageTail = None;
        for (var i = 0; i < n; i++)
        {
            AppendAge(slots[i]);
        }
    }
}
