namespace ActorSessions;

/// <summary>The answer to <see cref="CleanupSessions"/>.</summary>
/// <param name="Removed">Expired sessions this cleanup removed.</param>
/// <param name="Remaining">Sessions held once it finished.</param>
public sealed record SessionsCleanedUp(int Removed, int Remaining) : ISessionMessage;
