namespace ActorSessions;

/// <summary>One change in an <see cref="ISessionStore.CommitAsync"/> transaction.</summary>
/// <param name="Id">The session id.</param>
/// <param name="Record">The row to insert or replace; <see langword="null"/> to delete the row.</param>
public sealed record SessionWrite(string Id, SessionRecord? Record)
{
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

    /// <summary>Whether this write deletes the row.</summary>
    public bool IsDelete => Record is null;
}
