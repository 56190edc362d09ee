namespace ActorSessions;

/// <summary>Asks the container for its figures. Answered with <see cref="SessionStats"/>.</summary>
public sealed record GetSessionStats : ISessionMessage
{
    /// <summary>The one instance; the message carries no data.</summary>
    public static GetSessionStats Instance { get; } = new();

    private GetSessionStats()
    {
    }
}
