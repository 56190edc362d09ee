namespace ActorSessions;

/// <summary>
/// Published on the actor system's EventStream once for every session id the container issues.
/// </summary>
/// <param name="SessionId">The new session's id.</param>
/// <param name="CreatedAt">The session's <see cref="Session.CreatedAt"/>.</param>
/// <param name="PreviousId">For a <see cref="RenewSessionId"/>, the id it replaced; otherwise <see langword="null"/>.</param>
public sealed record SessionCreated(string SessionId, DateTimeOffset CreatedAt, string? PreviousId = null) : ISessionMessage;
