namespace ActorSessions.Storage;

/// <summary>One change in an <see cref="ISessionStore.CommitAsync"/> transaction.</summary>
/// <param name="Id">The session id.</param>
/// <param name="Record">
/// The row to insert or replace; <see langword="null"/> to delete the row. For a write with
/// <see cref="Items"/>, the row's new stamps (created, last modified, version, expiry), and its
/// <see cref="SessionRecord.Data"/> is empty: the keys that changed are in <see cref="Items"/>.
/// </param>
public sealed record SessionWrite(string Id, SessionRecord? Record)
{
    /// <summary>
    /// <see langword="null"/> for a whole row (<see cref="Record"/> as it is) or a delete. Otherwise this
    /// write changes a session whose row the store holds: its stamps become those of <see cref="Record"/>
    /// and its keys change as these say; every other key stays. The container sends such writes only to a
    /// store whose <see cref="ISessionStore.AcceptsItemChanges"/> is <see langword="true"/>, and only for
    /// a session whose last committed state is in the store.
    /// </summary>
    public SessionItemChanges? Items { get; init; }

    /// <summary>Whether this write deletes the row.</summary>
    public bool IsDelete => Record is null;

    /// <summary>Inserts <paramref name="record"/>, or replaces the row with its id.</summary>
    public static SessionWrite Upsert(SessionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new SessionWrite(record.Id, record);
    }

    /// <summary>Deletes the row with <paramref name="id"/>, if there is one.</summary>
    public static SessionWrite Delete(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return new SessionWrite(id, null);
    }

    /// <summary>
    /// Changes the stored session <paramref name="id"/>: new stamps, and the keys of <paramref name="items"/>
    /// (<see cref="SessionItemChanges.None"/> to write the stamps only, as a touch does).
    /// </summary>
    /// <param name="id">The session id; the store must hold its row.</param>
    /// <param name="createdAt">When the session was created (UTC).</param>
    /// <param name="lastModified">When the session was last opened or saved (UTC).</param>
    /// <param name="version">The session's version.</param>
    /// <param name="expiresAt">When the row stops being a live session (UTC).</param>
    /// <param name="items">The keys set and removed.</param>
    public static SessionWrite Change(string id, DateTimeOffset createdAt, DateTimeOffset lastModified, long version, DateTimeOffset expiresAt, SessionItemChanges items)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(items);
        return new SessionWrite(id, new SessionRecord(id, [], createdAt, lastModified, version, expiresAt)) { Items = items };
    }
}
