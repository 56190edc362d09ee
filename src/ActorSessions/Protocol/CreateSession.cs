using System.Collections.Immutable;

namespace ActorSessions;

/// <summary>
/// Creates a session and writes its first keys in one request and one commit: the session factory's new
/// session with <see cref="Set"/> applied (after <see cref="Clear"/> and <see cref="Remove"/>, which only
/// matter when the factory put data in). Answered with <see cref="SessionOpened"/> (<c>IsNew</c> true) with
/// the fresh id, which the container issued; a new session whose data would pass the limits is refused
/// with a <see cref="SessionTooLargeException"/> and nothing is created.
/// </summary>
/// <remarks>
/// What a web request does when it first writes to a session it had none of: with
/// <see cref="OpenSession"/> and then <see cref="UpdateSession"/> it would take two round trips, two commits,
/// and a new session could be evicted between them.
/// </remarks>
/// <param name="Set">The keys to set, with their values.</param>
/// <param name="Remove">Keys to remove from the factory's data.</param>
/// <param name="Clear">Whether to start from no data at all, whatever the factory put in.</param>
public sealed record CreateSession(
    SessionData Set = default,
    ImmutableArray<string> Remove = default,
    bool Clear = false) : ISessionRequest;
