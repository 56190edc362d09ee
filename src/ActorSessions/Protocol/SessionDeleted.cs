namespace ActorSessions;

/// <summary>The answer to <see cref="DeleteSession"/>.</summary>
/// <param name="SessionId">The id the request named.</param>
/// <param name="Existed"><see langword="true"/> when a live session was deleted; <see langword="false"/> when there was none.</param>
public sealed record SessionDeleted(string SessionId, bool Existed) : ISessionMessage;
