using ActorSessions.Storage;
using Microsoft.Extensions.Logging;

namespace ActorSessions;

/// <summary>What a <see cref="SessionContainer"/> is made of, for <see cref="SessionContainer.Props(SessionContainerOptions)"/>.</summary>
/// <param name="Settings">Its settings, e.g. <see cref="SessionSettings.Default"/> or <see cref="SessionSettings.Create"/>.</param>
public sealed record SessionContainerOptions(SessionSettings Settings)
{
    /// <summary>Its clock; <see cref="TimeProvider.System"/> when <see langword="null"/>. Tests pass a <c>FakeTimeProvider</c>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>
    /// The seed's <c>_createSession</c>: called with every new, empty session, it returns the session to
    /// store, e.g. with initial data. Only the returned session's data is kept. An exception it throws
    /// fails that request and creates nothing.
    /// </summary>
    public Func<Session, Session>? SessionFactory { get; init; }

    /// <summary>
    /// Where sessions are made durable, or <see langword="null"/> for a container in memory only. The
    /// container recovers its sessions from it when it starts; the caller owns (and disposes) the store.
    /// </summary>
    public ISessionStore? Store { get; init; }

    /// <summary>How the store is used; <see cref="SessionStoreSettings.Default"/> when <see langword="null"/>.</summary>
    public SessionStoreSettings? StoreSettings { get; init; }

    /// <summary>
    /// Where the container logs, with the event ids of its messages; when <see langword="null"/>, to the
    /// actor system's log (which Akka.Hosting sends on to Microsoft.Extensions.Logging when it is set up so).
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// The one partition this container serves, set by what runs the partitions (a shard region); when
    /// <see langword="null"/> and <see cref="SessionSettings.Partitions"/> is more than 1, <see cref="SessionContainer.Props(SessionContainerOptions)"/>
    /// starts a router with a container per partition, each over its slice of <see cref="Store"/>, and
    /// callers send to the router as to one container.
    /// </summary>
    public int? Partition { get; init; }

    /// <summary>What the journal yields to before a commit (the thread pool when <see langword="null"/>); tests replace it.</summary>
    internal Durability.CommitYield? CommitYield { get; init; }
}
