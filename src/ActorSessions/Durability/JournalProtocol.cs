using ActorSessions.Storage;

namespace ActorSessions.Durability;

// The protocol between a SessionContainer and its SessionJournal child. The container numbers every
// Record it sends; the journal answers for those numbers in order, as Cluster Sharding's Shard and its
// remember-entities store do with Update/UpdateDone, and as a persistent actor hears WriteMessageSuccess.

/// <summary>
/// How a session is to be stored: as memory holds it now (<see cref="Exists"/>), or gone. <see cref="Committed"/>
/// is the data the store is known to hold for it, which a store that takes item changes is given the
/// difference from; <see langword="null"/> writes the row whole (a new session, or one whose row is unknown).
/// </summary>
internal sealed record JournalEntry(
    string Id,
    bool Exists,
    SessionData Data,
    long CreatedAtTicks,
    long LastModifiedTicks,
    long Version,
    SessionData? Committed)
{
    public static JournalEntry Deleted(string id) => new(id, false, SessionData.Empty, 0, 0, 0, null);

    /// <summary>This entry, queued after <paramref name="earlier"/> for the same session: the latest state, over the earliest known row.</summary>
    public JournalEntry After(JournalEntry earlier) => earlier.Committed is null || Committed is null ? this with { Committed = null } : this with { Committed = earlier.Committed };
}

/// <summary>Writes to make durable, numbered <see cref="Seq"/> by the container; answered with <see cref="JournalCommitted"/> or <see cref="JournalFailed"/>.</summary>
internal sealed record JournalRecord(long Seq, IReadOnlyList<JournalEntry> Entries);

/// <summary>Every record up to <see cref="UpTo"/> is durable.</summary>
internal sealed record JournalCommitted(long UpTo);

/// <summary>
/// The records up to <see cref="UpTo"/> were not stored (whether the commit in flight landed is unknown)
/// and the journal dropped every record it had; it refuses records until it sends <see cref="JournalAvailable"/>.
/// </summary>
internal sealed record JournalFailed(long UpTo, Exception Error);

/// <summary>Another writer took the partition: this container's copy is stale for good.</summary>
internal sealed record JournalFenced(SessionStoreFencedException Error);

/// <summary>The store answers again: records are taken.</summary>
internal sealed record JournalAvailable;

/// <summary>The journal restarted after a fault of its own: what it held is gone; it probes the store and then sends <see cref="JournalAvailable"/>.</summary>
internal sealed record JournalRestarted(Exception Error);

/// <summary>Start recovering the sessions from the store (again, after a failure).</summary>
internal sealed record JournalRecover;

/// <summary>Recovery attempt <see cref="Attempt"/> has begun; chunks of earlier attempts are stale.</summary>
internal sealed record RecoveryStarted(int Attempt);

/// <summary>
/// Attempt <see cref="Attempt"/> has taken the partition and reads the rest of the rows behind: the
/// container serves from now on, and asks for the sessions it lacks with <see cref="JournalFind"/>. Sent only
/// when the container serves while it recovers (<see cref="SessionStoreSettings.ServeWhileRecovering"/>).
/// </summary>
internal sealed record RecoveryOpened(int Attempt);

/// <summary>Read these sessions from the store by their ids, while the rest are still read behind.</summary>
internal sealed record JournalFind(int Attempt, IReadOnlyList<string> Ids);

/// <summary>
/// What the store held of <see cref="Ids"/>: the live, readable ones among them in <see cref="Sessions"/>,
/// the rest held by none; or, with <see cref="Error"/>, the read failed and nothing is known of them.
/// An answer to an earlier recovery <see cref="Attempt"/> (of a journal that restarted since) is stale.
/// </summary>
internal sealed record JournalFound(int Attempt, IReadOnlyList<string> Ids, IReadOnlyList<RecoveredSession> Sessions, Exception? Error);

/// <summary>Sessions read from the store, decoded.</summary>
internal sealed record RecoveredChunk(int Attempt, IReadOnlyList<RecoveredSession> Sessions);

/// <summary>The last chunk of <see cref="Attempt"/> was sent.</summary>
internal sealed record RecoveryDone(int Attempt, int Sessions, int Unreadable, TimeSpan Elapsed);

/// <summary>Attempt <see cref="Attempt"/> failed or ran out of time; the journal tries again after <see cref="RetryIn"/>.</summary>
internal sealed record RecoveryFailed(int Attempt, Exception Error, TimeSpan RetryIn);

/// <summary>A session as its store held it.</summary>
internal sealed record RecoveredSession(string Id, SessionData Data, long CreatedAtTicks, long LastModifiedTicks, long Version);

/// <summary>Delete the store's rows that expired a grace period ago (with every cleanup; skipped while one runs).</summary>
internal sealed record JournalCleanup;

/// <summary>Answer <see cref="SessionStoreStats"/> to the sender, with the container's own waiting writes added.</summary>
internal sealed record JournalStats(int WaitingInContainer);

/// <summary>What a store commit took; reported to the metrics.</summary>
internal readonly record struct CommitFigures(TimeSpan Duration, int Writes);

/// <summary>Lives across restarts of the journal: the store task in flight, which a new journal waits for before it touches the store.</summary>
internal sealed class JournalGate
{
    private long _commits;
    private int _recoveries;

    public Task InFlight { get; set; } = Task.CompletedTask;

    /// <summary>
    /// Numbers recovery attempts across restarts: a predecessor's read may still be sending rows, and they
    /// must never be taken for a successor's (they may be older than what was committed since).
    /// </summary>
    public int NextRecoveryAttempt() => ++_recoveries;

    /// <summary>Numbers commits across restarts, so a predecessor's late answer is never taken for a successor's.</summary>
    public long NextCommitId() => ++_commits;
}

/// <summary>Encodes a queued entry into the store's write.</summary>
internal static class JournalEncoding
{
    public static SessionWrite ToWrite(JournalEntry e, SessionSettings settings, bool itemChanges)
    {
        if (!e.Exists)
        {
            return SessionWrite.Delete(e.Id);
        }

        var createdAt = new DateTimeOffset(e.CreatedAtTicks, TimeSpan.Zero);
        var lastModified = new DateTimeOffset(e.LastModifiedTicks, TimeSpan.Zero);
        var expiresAt = ExpiresAt(e, settings);
        if (!itemChanges || e.Committed is not { } committed)
        {
            return SessionWrite.Upsert(new SessionRecord(e.Id, SessionDataCodec.Encode(e.Data), createdAt, lastModified, e.Version, expiresAt));
        }

        return SessionWrite.Change(e.Id, createdAt, lastModified, e.Version, expiresAt, SessionDataChanges.Between(committed, e.Data));
    }

    private static DateTimeOffset ExpiresAt(JournalEntry e, SessionSettings settings)
    {
        var expires = Math.Min(
            SaturatingAdd(e.LastModifiedTicks, settings.IdleTimeout.Ticks),
            settings.AbsoluteTimeout is { } absolute ? SaturatingAdd(e.CreatedAtTicks, absolute.Ticks) : long.MaxValue);
        return new DateTimeOffset(Math.Min(expires, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
