namespace ActorSessions;

/// <summary>Thrown by <see cref="ISessionClient"/> when the container does not hold the session a call named.</summary>
/// <remarks>The message leaves the id out on purpose: ids are bearer secrets and messages end up in logs.</remarks>
public sealed class SessionNotFoundException : Exception
{
    /// <summary>Creates the exception for <paramref name="sessionId"/>.</summary>
    public SessionNotFoundException(string sessionId)
        : base("The session container does not hold that session: it never existed, expired, or was deleted or renewed.")
    {
        SessionId = sessionId;
    }

    /// <summary>The id the call named.</summary>
    public string SessionId { get; }

    /// <summary>Whether the id was retired a moment ago by a logout or a renewal; see <see cref="SessionNotFound.Retired"/>.</summary>
    public bool Retired { get; init; }
}
