using System.Collections.Immutable;
using ActorSessions.Storage;

namespace ActorSessions.Durability;

/// <summary>The keys that differ between two states of a session, for a store that takes item changes.</summary>
internal static class SessionDataChanges
{
    /// <summary>
    /// One walk of both sorted maps. Values are compared by identity, which is enough: a write replaces the
    /// values it changes, and every value it leaves is the very array memory held (a caller's snapshot
    /// shares them), so an unchanged key is never written and a changed one always is.
    /// </summary>
    public static SessionItemChanges Between(SessionData before, SessionData after)
    {
        List<KeyValuePair<string, ImmutableArray<byte>>>? set = null;
        ImmutableArray<string>.Builder? removed = null;
        var b = before.GetEnumerator();
        var a = after.GetEnumerator();
        bool inBefore = b.MoveNext(), inAfter = a.MoveNext();
        while (inBefore || inAfter)
        {
            var order = !inBefore ? 1 : !inAfter ? -1 : string.CompareOrdinal(b.Current.Key, a.Current.Key);
            if (order < 0)
            {
                (removed ??= ImmutableArray.CreateBuilder<string>()).Add(b.Current.Key);
                inBefore = b.MoveNext();
                continue;
            }

            if (order > 0 || a.Current.Value != b.Current.Value)
            {
                (set ??= []).Add(a.Current);
            }

            inAfter = a.MoveNext();
            if (order == 0)
            {
                inBefore = b.MoveNext();
            }
        }

        if (set is null && removed is null)
        {
            return SessionItemChanges.None;
        }

        var setData = SessionData.Empty;
        if (set is not null)
        {
            SessionData.TryCreateOwned([.. set], out setData, out _);
        }

        return new SessionItemChanges(setData, removed?.ToImmutable() ?? ImmutableArray<string>.Empty);
    }
}
