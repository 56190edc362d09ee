namespace ActorSessions;

/// <summary>
/// Asks the container to write everything it holds only in memory (the touches it writes behind) and
/// to answer once that and every write before it is committed: with <see cref="SessionStoreFlushed"/>,
/// or <see cref="Akka.Actor.Status.Failure"/> with a <see cref="SessionStoreUnavailableException"/>.
/// A container without a store answers at once. Useful before a planned shutdown.
/// </summary>
public sealed record FlushSessionStore : ISessionMessage
{
    /// <summary>The one instance; the message carries no data.</summary>
    public static FlushSessionStore Instance { get; } = new();

    private FlushSessionStore()
    {
    }
}
