namespace ActorSessions.Storage;

/// <summary>One row of an <see cref="ISessionStore"/>: a session as the store keeps it.</summary>
/// <param name="Id">The session id: the row's key.</param>
/// <param name="Data">The session's keys and values, encoded by the container (<see cref="SessionDataFormat"/>); a store may keep the bytes as they are.</param>
/// <param name="CreatedAt">When the session was created (UTC).</param>
/// <param name="LastModified">When the session was last opened or saved, as far as the store knows (UTC).</param>
/// <param name="Version">The session's version.</param>
/// <param name="ExpiresAt">When the row stops being a live session (UTC); stores index it for cleanup.</param>
public sealed record SessionRecord(
    string Id,
    byte[] Data,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastModified,
    long Version,
    DateTimeOffset ExpiresAt);
