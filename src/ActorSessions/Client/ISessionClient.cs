namespace ActorSessions;

/// <summary>
/// Talks to a <see cref="SessionContainer"/> from outside the actor system (ASP.NET Core code, hosted
/// services). Every call has a timeout and honours its token. Inside the actor system, <c>Tell</c> the
/// container the protocol's messages instead.
/// </summary>
public interface ISessionClient
{
    /// <summary>Sends <see cref="OpenSession"/>: opens the session, or creates one when the container does not hold <paramref name="sessionId"/>.</summary>
    Task<SessionOpened> OpenAsync(string? sessionId = null, CancellationToken cancellationToken = default);

    /// <summary>Sends <see cref="SaveSession"/>.</summary>
    /// <exception cref="SessionNotFoundException">The container does not hold the session.</exception>
    /// <exception cref="SessionVersionConflictException"><paramref name="checkVersion"/> was set and someone saved first.</exception>
    Task<SessionSaved> SaveAsync(Session session, bool checkVersion = false, CancellationToken cancellationToken = default);

    /// <summary>Sends <see cref="GetSession"/>: reads without touching.</summary>
    /// <exception cref="SessionNotFoundException">The container does not hold the session.</exception>
    Task<SessionFound> GetAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Sends <see cref="DeleteSession"/>.</summary>
    Task<SessionDeleted> DeleteAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Sends <see cref="RenewSessionId"/>.</summary>
    /// <exception cref="SessionNotFoundException">The container does not hold the session.</exception>
    Task<SessionRenewed> RenewAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Sends <see cref="CleanupSessions"/> and waits for the whole cleanup.</summary>
    Task<SessionsCleanedUp> CleanupAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends <see cref="AdjustTime"/>.</summary>
    Task<TimeAdjusted> AdjustTimeAsync(TimeSpan delta, CancellationToken cancellationToken = default);

    /// <summary>Sends <see cref="GetSessionStats"/>.</summary>
    Task<SessionStats> GetStatsAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends <see cref="UpdateSession"/>: a delta save that writes only the keys it names, or only touches the session.</summary>
    /// <exception cref="SessionNotFoundException">The container does not hold the session.</exception>
    Task<SessionSaved> UpdateAsync(UpdateSession update, CancellationToken cancellationToken = default);

    /// <summary>
    /// Loads the session <paramref name="sessionId"/> for a request that came back with it, and touches it
    /// (<see cref="TouchSession"/>); creates nothing. Not a write: it never waits for a store.
    /// </summary>
    /// <exception cref="SessionNotFoundException">The container does not hold the session (never issued, expired or ended).</exception>
    Task<SessionFound> TouchAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Creates a session with its first keys in one request and one commit (<see cref="CreateSession"/>).</summary>
    /// <exception cref="SessionTooLargeException">The new session would pass the container's limits; nothing was created.</exception>
    Task<SessionOpened> CreateAsync(CreateSession create, CancellationToken cancellationToken = default);
}
