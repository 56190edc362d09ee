namespace ActorSessions;

/// <summary>Asks the container for its store figures. Answered with <see cref="SessionStoreStats"/>.</summary>
public sealed record GetSessionStoreStats : ISessionMessage
{
    /// <summary>The one instance; the message carries no data.</summary>
    public static GetSessionStoreStats Instance { get; } = new();

    private GetSessionStoreStats()
    {
    }
}
