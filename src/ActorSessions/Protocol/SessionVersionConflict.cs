namespace ActorSessions;

/// <summary>
/// The answer to a <see cref="SaveSession"/> with <see cref="SaveSession.CheckVersion"/> whose session
/// was saved by someone else in the meantime. Nothing was written.
/// </summary>
/// <param name="Current">The session as the container holds it now.</param>
/// <param name="AttemptedVersion">The version the refused write was based on.</param>
public sealed record SessionVersionConflict(Session Current, long AttemptedVersion) : ISessionMessage;
