namespace ActorSessions;

/// <summary>
/// Writes a session's data back to the container and touches it. By default the last writer wins, as in
/// the seed; with <paramref name="CheckVersion"/> the write is refused with
/// <see cref="SessionVersionConflict"/> unless <see cref="Session.Version"/> is still the container's.
/// Answered with <see cref="SessionSaved"/>, <see cref="SessionNotFound"/> or <see cref="SessionVersionConflict"/>;
/// data over the container's limits with <see cref="Akka.Actor.Status.Failure"/> carrying a
/// <see cref="SessionTooLargeException"/>, and then nothing changes.
/// </summary>
/// <param name="Session">The session to store; only its <see cref="Session.Id"/>, <see cref="Session.Version"/> and data are read.</param>
/// <param name="CheckVersion">Refuse the write when the session was saved by someone else since it was read.</param>
public sealed record SaveSession(Session Session, bool CheckVersion = false) : ISessionRequest;
