using System.Collections.Immutable;
using System.Text;

namespace ActorSessions;

/// <summary>
/// An immutable snapshot of one session: its id, its time stamps, its version and its data.
/// </summary>
/// <remarks>
/// Values are bytes, as in ASP.NET Core's <c>ISession</c>; <see cref="GetString"/> and
/// <see cref="SetString"/> read and write them as UTF-8. Every change returns a new
/// <see cref="Session"/> and leaves this one as it was, so a snapshot handed out by the container can
/// never change the container's copy: only a message to the container does that.
/// </remarks>
/// <param name="Id">The session id, as issued by the container.</param>
/// <param name="CreatedAt">When the session was created (wall clock).</param>
/// <param name="LastModified">When the session was last opened or saved (wall clock).</param>
/// <param name="Version">Incremented by every save; <see cref="SaveSession.CheckVersion"/> compares it.</param>
/// <param name="Data">The session's values by key. Keys are compared ordinally (case-sensitive); <c>default</c> is no data.</param>
public sealed record Session(
    string Id,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastModified,
    long Version,
    SessionData Data)
{
    /// <summary>The keys this session holds.</summary>
    public IEnumerable<string> Keys => Data.Keys;

    /// <summary>How many keys this session holds.</summary>
    public int Count => Data.Count;

    /// <summary>Reads the bytes stored under <paramref name="key"/>.</summary>
    /// <returns><see langword="true"/> when the key is present.</returns>
    public bool TryGetValue(string key, out ImmutableArray<byte> value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Data.TryGetValue(key, out value);
    }

    /// <summary>Reads the value under <paramref name="key"/> as UTF-8 text, or <see langword="null"/> when absent.</summary>
    public string? GetString(string key) =>
        TryGetValue(key, out var value) ? Encoding.UTF8.GetString(value.AsSpan()) : null;

    /// <summary>Returns a copy of this session with <paramref name="value"/> stored under <paramref name="key"/>.</summary>
    public Session Set(string key, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return this with { Data = Data.SetItem(key, value.ToImmutableArray()) };
    }

    /// <summary>Returns a copy of this session with <paramref name="value"/> stored under <paramref name="key"/> as UTF-8.</summary>
    public Session SetString(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Set(key, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Returns a copy of this session without <paramref name="key"/>.</summary>
    public Session Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return this with { Data = Data.Remove(key) };
    }

    /// <summary>Returns a copy of this session with no data.</summary>
    public Session Clear() => this with { Data = SessionData.Empty };
}
