namespace ActorSessions;

/// <summary>What recovery from a store needs beyond the table's everyday operations.</summary>
internal sealed partial class SessionTable
{
    /// <summary>
    /// Relinks the creation list in order of <see cref="Entry.Created"/>. Recovery adds sessions in the
    /// order a store hands them over; absolute expiry relies on this list being sorted. O(n log n), once
    /// per start.
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

    /// <summary>
    /// Relinks the probation list in order of <see cref="Entry.LastTouched"/>. Recovery adds sessions as a
    /// store hands them over, in no order, and every recovered session starts on probation; eviction and
    /// idle expiry rely on that list being sorted. O(n log n), once per start.
    /// </summary>
    public void SortProbationByTouch()
    {
        var n = 0;
        for (var slot = _probation.Head; slot != None; slot = this[slot].IdleNext)
        {
            n++;
        }

        if (n < 2)
        {
            return;
        }

        var slots = new int[n];
        var keys = new long[n];
        n = 0;
        for (var slot = _probation.Head; slot != None; slot = this[slot].IdleNext)
        {
            slots[n] = slot;
            keys[n++] = this[slot].LastTouched;
        }

        Array.Sort(keys, slots);
        _probation = IdleList.Empty;
        foreach (var slot in slots)
        {
            Append(ref _probation, slot);
        }
    }
}
