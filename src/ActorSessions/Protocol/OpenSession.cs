namespace ActorSessions;

/// <summary>
/// Opens the session <paramref name="SessionId"/>, or creates one. Strict: when the container does not
/// hold that id (null, empty, unknown, expired, deleted, malformed), a <b>new</b> session with a fresh
/// id is created; the given id is never adopted. Opening touches the session (sliding expiry).
/// Answered with <see cref="SessionOpened"/>; when the session factory's result is over the container's
/// limits, with <see cref="Akka.Actor.Status.Failure"/> carrying a <see cref="SessionTooLargeException"/>.
/// </summary>
/// <param name="SessionId">The id a client presented, or <see langword="null"/> for a new session.</param>
public sealed record OpenSession(string? SessionId = null) : ISessionRequest;
