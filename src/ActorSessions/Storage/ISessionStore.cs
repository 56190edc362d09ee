namespace ActorSessions.Storage;

/// <summary>
/// Where a <see cref="SessionContainer"/> makes its sessions durable. The container stays the one owner
/// of its sessions and serves every read from memory; the store only keeps what the container tells it,
/// so that a restarted container can recover its sessions.
/// </summary>
/// <remarks>
/// <para>The container calls a store from one task at a time for commits (the next commit starts only
/// when the previous one has finished), but <see cref="DeleteExpiredAsync"/> and <see cref="InitializeAsync"/>
/// may run beside a commit, so an implementation must be safe for that.</para>
/// <para>Any exception means "not done": the container answers the writers with a
/// <see cref="SessionStoreUnavailableException"/> and retries the store with backoff. A store must never
/// report success for a commit it has not made durable.</para>
/// </remarks>
public interface ISessionStore
{
    /// <summary>
    /// Creates the schema, or checks and upgrades it. Idempotent; the container also calls it to probe
    /// whether a store that failed is back.
    /// </summary>
    /// <exception cref="InvalidOperationException">The schema was written by a newer version of the store.</exception>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether <see cref="CommitAsync"/> takes writes of only what changed (<see cref="SessionWrite.Items"/>):
    /// a store that keeps each key of a session apart writes the keys a change names, and a touch writes
    /// only the stamps, however large the session. <see langword="false"/> by default: the store is always
    /// given whole rows.
    /// </summary>
    /// <value><see langword="false"/> unless the store says otherwise.</value>
    bool AcceptsItemChanges => false;

    /// <summary>
    /// Applies <paramref name="writes"/> in one transaction: all of them or none. Each id appears at most
    /// once; a write with a <see cref="SessionWrite.Record"/> inserts or replaces the row, one without deletes
    /// it (deleting a missing row is not an error), and one with <see cref="SessionWrite.Items"/> changes the
    /// stamps and the keys named of a row the store holds (if it holds none, the commit fails: the container
    /// then writes the session whole). Returns only once the transaction is durable.
    /// </summary>
    Task CommitAsync(IReadOnlyList<SessionWrite> writes, CancellationToken cancellationToken);

    /// <summary>Every row that has not expired at <paramref name="now"/>, in no particular order.</summary>
    IAsyncEnumerable<SessionRecord> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <see cref="FindAsync"/> reads rows by their ids. A container whose store does serves requests
    /// while it recovers (<see cref="SessionStoreSettings.ServeWhileRecovering"/>): a request about a session
    /// not read yet looks its row up. <see langword="false"/> by default: the container answers nothing
    /// until every row is read.
    /// </summary>
    /// <value><see langword="false"/> unless the store says otherwise.</value>
    bool FindsById => false;

    /// <summary>
    /// The rows of <paramref name="ids"/> that have not expired at <paramref name="now"/>, in no particular
    /// order; an id the store holds no live row for is left out. Called only when <see cref="FindsById"/>
    /// is <see langword="true"/>, beside commits and a <see cref="LoadAsync"/> in progress, so an
    /// implementation must be safe for that.
    /// </summary>
    /// <param name="ids">The ids to read, each at most once; at most a few hundred a call.</param>
    /// <param name="now">Rows that have expired at this time are left out.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="NotSupportedException">The store does not read rows by id (<see cref="FindsById"/> is <see langword="false"/>).</exception>
    Task<IReadOnlyList<SessionRecord>> FindAsync(IReadOnlyList<string> ids, DateTimeOffset now, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} does not read sessions by id (FindsById is false).");

    /// <summary>
    /// Deletes at most <paramref name="limit"/> rows whose <see cref="SessionRecord.ExpiresAt"/> is before
    /// <paramref name="before"/>, in one short transaction, and returns how many it deleted. The container
    /// calls it again while it returns <paramref name="limit"/>, so a large cleanup never holds the store long.
    /// </summary>
    Task<int> DeleteExpiredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);
}
