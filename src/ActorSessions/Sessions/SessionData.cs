using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace ActorSessions;

/// <summary>
/// A session's values by key: an immutable map whose keys are compared ordinally (case-sensitive) and
/// whose values are bytes. Every change returns a new map and leaves this one as it was.
/// </summary>
/// <remarks>
/// <para>It is one sorted array of entries, copied on write, rather than a tree: a web session holds a few
/// keys, so a read is a short scan of one array, a write copies that array once, and the container keeps
/// two objects per session (the array and the value) where a tree kept a node per key and level. Writing
/// one key of a map with <c>n</c> keys costs O(n); apply many changes at once with <see cref="SetItems(IEnumerable{KeyValuePair{string, ImmutableArray{byte}}})"/>
/// and <see cref="RemoveRange"/>, which copy once.</para>
/// <para>A struct over its array, like <see cref="ImmutableArray{T}"/>, so it adds no object of its own;
/// unlike that one, <c>default</c> is simply the empty map. It refuses what a session cannot store (a
/// <see langword="null"/> key, a default <see cref="ImmutableArray{T}"/> value) when it is built, so a
/// <see cref="Session"/> that exists is always one the container can take.</para>
/// </remarks>
public readonly struct SessionData : IReadOnlyDictionary<string, ImmutableArray<byte>>, IEquatable<SessionData>
{
    // Sorted by key, ordinally; keys unique and never null, values never default. Null is the empty map.
    private readonly KeyValuePair<string, ImmutableArray<byte>>[]? _entries;

    private SessionData(KeyValuePair<string, ImmutableArray<byte>>[]? entries)
    {
        _entries = entries is { Length: > 0 } ? entries : null;
    }

    /// <summary>The empty map; the same as <c>default</c>.</summary>
    public static SessionData Empty => default;

    /// <summary>How many keys the map holds.</summary>
    public int Count => _entries?.Length ?? 0;

    /// <summary><see langword="true"/> when the map holds no key.</summary>
    public bool IsEmpty => _entries is null;

    /// <summary>The keys, in ordinal order.</summary>
    public IEnumerable<string> Keys => Entries.Select(static e => e.Key);

    /// <summary>The values, in the order of their keys.</summary>
    public IEnumerable<ImmutableArray<byte>> Values => Entries.Select(static e => e.Value);

    private KeyValuePair<string, ImmutableArray<byte>>[] Entries => _entries ?? [];

    /// <summary>The value under <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">The map does not hold <paramref name="key"/>.</exception>
    public ImmutableArray<byte> this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The session data holds no key '{key}'.");

    /// <summary>Builds a map from <paramref name="items"/>.</summary>
    /// <exception cref="ArgumentException">A key appears twice, or a value is a default <see cref="ImmutableArray{T}"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> or one of its keys is <see langword="null"/>.</exception>
    public static SessionData CreateRange(IEnumerable<KeyValuePair<string, ImmutableArray<byte>>> items)
    {
        ArgumentNullException.ThrowIfNull(items);

        // A copy, so no array the caller holds is ever shared with the map.
        var entries = items.ToArray();
        foreach (var (key, value) in entries)
        {
            Check(key, value, nameof(items));
        }

        return TryCreateOwned(entries, out var data, out var duplicate)
            ? data
            : throw new ArgumentException($"The key '{duplicate}' appears twice.", nameof(items));
    }

    /// <summary>
    /// Builds a map over <paramref name="entries"/> itself, sorting it in place: for arrays made here and
    /// handed over, with keys that are not null and values that are not default (the store's decoder).
    /// </summary>
    /// <returns><see langword="false"/>, with the key, when a key appears twice.</returns>
    internal static bool TryCreateOwned(KeyValuePair<string, ImmutableArray<byte>>[] entries, out SessionData data, out string? duplicate)
    {
        Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        for (var i = 1; i < entries.Length; i++)
        {
            if (string.Equals(entries[i - 1].Key, entries[i].Key, StringComparison.Ordinal))
            {
                data = default;
                duplicate = entries[i].Key;
                return false;
            }
        }

        data = new SessionData(entries);
        duplicate = null;
        return true;
    }

    /// <inheritdoc />
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <summary>Reads the value under <paramref name="key"/>.</summary>
    /// <returns><see langword="true"/> when the key is present.</returns>
    public bool TryGetValue(string key, out ImmutableArray<byte> value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _entries![index].Value : default;
        return index >= 0;
    }

    /// <summary>Returns a map with <paramref name="value"/> stored under <paramref name="key"/>; this one when the key already holds that very array.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> is a default <see cref="ImmutableArray{T}"/>; store an empty one instead.</exception>
    public SessionData SetItem(string key, ImmutableArray<byte> value)
    {
        Check(key, value, nameof(value));
        var entries = Entries;
        var index = IndexOf(key);
        KeyValuePair<string, ImmutableArray<byte>>[] copy;
        if (index >= 0)
        {
            // The same array already stored: nothing changes, as ImmutableDictionary.SetItem also answers.
            if (entries[index].Value == value)
            {
                return this;
            }

            copy = (KeyValuePair<string, ImmutableArray<byte>>[])entries.Clone();
            copy[index] = new(key, value);
        }
        else
        {
            index = ~index;
            copy = new KeyValuePair<string, ImmutableArray<byte>>[entries.Length + 1];
            entries.AsSpan(0, index).CopyTo(copy);
            copy[index] = new(key, value);
            entries.AsSpan(index).CopyTo(copy.AsSpan(index + 1));
        }

        return new SessionData(copy);
    }

    /// <summary>Returns a map with every one of <paramref name="items"/> stored, copying this one once; a later item wins over an earlier one with the same key.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> or one of its keys is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A value is a default <see cref="ImmutableArray{T}"/>.</exception>
    public SessionData SetItems(IEnumerable<KeyValuePair<string, ImmutableArray<byte>>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var changes = new Dictionary<string, ImmutableArray<byte>>(StringComparer.Ordinal);
        foreach (var (key, value) in items)
        {
            Check(key, value, nameof(items));
            changes[key] = value;
        }

        // The dictionary's keys are unique, so building the map of changes cannot fail; then one merge.
        TryCreateOwned(changes.ToArray(), out var map, out _);
        return SetItems(map);
    }

    /// <summary>Returns a map with every entry of <paramref name="items"/> stored over this one's, merging the two sorted arrays in one pass.</summary>
    public SessionData SetItems(SessionData items)
    {
        var mine = Entries;
        var theirs = items.Entries;
        if (theirs.Length == 0)
        {
            return this;
        }

        if (mine.Length == 0)
        {
            return items;
        }

        var merged = new KeyValuePair<string, ImmutableArray<byte>>[mine.Length + theirs.Length];
        int i = 0, j = 0, n = 0;
        while (i < mine.Length && j < theirs.Length)
        {
            var order = string.CompareOrdinal(mine[i].Key, theirs[j].Key);
            merged[n++] = order < 0 ? mine[i++] : theirs[j++];
            if (order == 0)
            {
                i++;
            }
        }

        while (i < mine.Length)
        {
            merged[n++] = mine[i++];
        }

        while (j < theirs.Length)
        {
            merged[n++] = theirs[j++];
        }

        Array.Resize(ref merged, n);
        return new SessionData(merged);
    }

    /// <summary>Returns a map without <paramref name="key"/>; this one when it does not hold it.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public SessionData Remove(string key)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            return this;
        }

        var entries = _entries!;
        var copy = new KeyValuePair<string, ImmutableArray<byte>>[entries.Length - 1];
        entries.AsSpan(0, index).CopyTo(copy);
        entries.AsSpan(index + 1).CopyTo(copy.AsSpan(index));
        return new SessionData(copy);
    }

    /// <summary>Returns a map without any of <paramref name="keys"/>, copying this one at most once; keys it does not hold are ignored.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> or one of them is <see langword="null"/>.</exception>
    public SessionData RemoveRange(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var removed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
            removed.Add(key);
        }

        var entries = Entries;
        var kept = Array.FindAll(entries, e => !removed.Contains(e.Key));
        return kept.Length == entries.Length ? this : new SessionData(kept);
    }

    /// <summary>Enumerates the entries in ordinal order of their keys, without allocating.</summary>
    public Enumerator GetEnumerator() => new(Entries);

    IEnumerator<KeyValuePair<string, ImmutableArray<byte>>> IEnumerable<KeyValuePair<string, ImmutableArray<byte>>>.GetEnumerator() =>
        ((IEnumerable<KeyValuePair<string, ImmutableArray<byte>>>)Entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => Entries.GetEnumerator();

    /// <summary>
    /// Whether both maps hold the same keys with the same bytes. Unlike <see cref="ImmutableArray{T}"/>,
    /// whose equality is the array's identity, this compares contents, so two snapshots of one session
    /// compare equal when their data is the same.
    /// </summary>
    public bool Equals(SessionData other)
    {
        var a = Entries;
        var b = other.Entries;
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!string.Equals(a[i].Key, b[i].Key, StringComparison.Ordinal) || !a[i].Value.AsSpan().SequenceEqual(b[i].Value.AsSpan()))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is SessionData other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (key, value) in Entries)
        {
            hash.Add(key, StringComparer.Ordinal);
            hash.AddBytes(value.AsSpan());
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"SessionData[{Count}]";

    /// <summary>Compares contents; see <see cref="Equals(SessionData)"/>.</summary>
    public static bool operator ==(SessionData left, SessionData right) => left.Equals(right);

    /// <summary>Compares contents; see <see cref="Equals(SessionData)"/>.</summary>
    public static bool operator !=(SessionData left, SessionData right) => !left.Equals(right);

    /// <summary>The index of <paramref name="key"/>, or the complement of where it would go.</summary>
    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var entries = _entries;
        if (entries is null)
        {
            return ~0;
        }

        // A few keys are the rule: compare one by one, which for short keys costs less than the
        // bookkeeping of a binary search; beyond that, halve.
        int low = 0, high = entries.Length - 1;
        while (high - low > 3)
        {
            var middle = low + ((high - low) >> 1);
            var order = string.CompareOrdinal(entries[middle].Key, key);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        for (; low <= high; low++)
        {
            var order = string.CompareOrdinal(entries[low].Key, key);
            if (order == 0)
            {
                return low;
            }

            if (order > 0)
            {
                break;
            }
        }

        return ~low;
    }

    private static void Check(string key, ImmutableArray<byte> value, string parameter)
    {
        if (key is null)
        {
            throw new ArgumentNullException(parameter, "A session data key cannot be null.");
        }

        if (value.IsDefault)
        {
            throw new ArgumentException($"The value under key '{key}' is a default ImmutableArray; store an empty array instead.", parameter);
        }
    }

    /// <summary>Enumerates a <see cref="SessionData"/> without allocating.</summary>
    public struct Enumerator
    {
        private readonly KeyValuePair<string, ImmutableArray<byte>>[] _entries;
        private int _index;

        internal Enumerator(KeyValuePair<string, ImmutableArray<byte>>[] entries)
        {
            _entries = entries;
            _index = -1;
        }

        /// <summary>The entry at the current position.</summary>
        public readonly KeyValuePair<string, ImmutableArray<byte>> Current => _entries[_index];

        /// <summary>Moves to the next entry.</summary>
        public bool MoveNext() => ++_index < _entries.Length;
    }
}
