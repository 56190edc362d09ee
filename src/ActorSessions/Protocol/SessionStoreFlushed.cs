namespace ActorSessions;

/// <summary>The answer to <see cref="FlushSessionStore"/>: everything the container held was committed.</summary>
public sealed record SessionStoreFlushed : ISessionMessage
{
    /// <summary>The one instance; the message carries no data.</summary>
    public static SessionStoreFlushed Instance { get; } = new();

    private SessionStoreFlushed()
    {
    }
}
