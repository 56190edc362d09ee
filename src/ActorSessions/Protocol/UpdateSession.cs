using System.Collections.Immutable;

namespace ActorSessions;

/// <summary>
/// A delta save: changes only the keys named, and leaves every other key as the container holds it, so
/// two requests that write different keys of one session (two browser tabs) both keep their writes.
/// Applied in order: <paramref name="Clear"/>, then <paramref name="Remove"/>, then <paramref name="Set"/>.
/// It touches the session (its idle expiry slides) even when it changes nothing, and then leaves
/// <see cref="Session.Version"/> as it was; any change increments it.
/// Answered with <see cref="SessionSaved"/> (the session as now held) or <see cref="SessionNotFound"/>;
/// a malformed request with <see cref="Akka.Actor.Status.Failure"/> carrying an <see cref="ArgumentException"/>,
/// and one that would leave the session over the container's limits with a <see cref="SessionTooLargeException"/>;
/// then nothing of it is applied.
/// </summary>
/// <param name="SessionId">The session to change.</param>
/// <param name="Set">Values to store, by key; empty (<c>default</c>) for none. Keys are case-sensitive.</param>
/// <param name="Remove">Keys to remove; <see langword="null"/> for none. A key the session lacks is ignored.</param>
/// <param name="Clear">Remove every key first, including keys written by others since this request read the session.</param>
public sealed record UpdateSession(
    string SessionId,
    SessionData Set = default,
    ImmutableArray<string> Remove = default,
    bool Clear = false) : ISessionRequest
{
    /// <summary><see langword="true"/> when the update would change nothing and only touches the session.</summary>
    public bool IsTouchOnly => !Clear && Set.IsEmpty && Remove.IsDefaultOrEmpty;
}
