using ActorSessions.Durability;
namespace ActorSessions.Storage;

/// <summary>
/// The encoding of <see cref="SessionRecord.Data"/>, for stores that keep a session's keys apart rather
/// than as the one value the container hands them: they decode what <see cref="ISessionStore.CommitAsync"/>
/// gives them and encode what <see cref="ISessionStore.LoadAsync"/> yields. Stores that keep the bytes as
/// they are never need it.
/// </summary>
/// <remarks>
/// A format byte (1), then the number of keys and each key (UTF-8) and value, length-prefixed with 7-bit
/// varints. The order of the keys does not matter; a key appears once.
/// </remarks>
public static class SessionDataFormat
{
    /// <summary>The bytes <paramref name="data"/> is stored as.</summary>
    /// <exception cref="System.Text.EncoderFallbackException">A key is not valid UTF-16 (a lone surrogate).</exception>
    public static byte[] Encode(SessionData data) => SessionDataCodec.Encode(data);

    /// <summary>
    /// The bytes of a session whose keys a store keeps as their UTF-8 bytes, without decoding them: the
    /// container checks every key when it decodes the record (a key that is not UTF-8, or one that
    /// appears twice, makes the record unreadable), so a store can assemble what it reads at the cost of
    /// one copy.
    /// </summary>
    /// <param name="items">Each key's UTF-8 bytes, with its value.</param>
    public static byte[] EncodeUtf8(IReadOnlyList<KeyValuePair<byte[], byte[]>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return SessionDataCodec.EncodeUtf8(items);
    }

    /// <summary>Decodes stored bytes.</summary>
    /// <param name="bytes">What <see cref="Encode"/> wrote.</param>
    /// <param name="data">The keys and values; empty when the bytes are not a valid encoding.</param>
    /// <param name="error">Why the bytes are not a valid encoding; <see langword="null"/> when they are.</param>
    /// <returns><see langword="false"/> when the bytes are not a valid encoding.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out SessionData data, out string? error) =>
        SessionDataCodec.TryDecode(bytes, out data, out error);
}
