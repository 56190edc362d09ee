using ActorSessions.Storage;

namespace ActorSessions.Hosting;

/// <summary>
/// Options that choose the container's store: <see cref="ActorSessionsOptions"/> (for <c>WithActorSessions</c>)
/// and the web options of <c>AddActorSessions</c>, so <c>UseSqliteStore()</c> and <c>UsePostgreSqlStore()</c>
/// work on either.
/// </summary>
public interface IActorSessionsStoreOptions
{
    /// <summary>
    /// Makes the container durable: called once when the actor system starts, it returns the store the
    /// container recovers its sessions from and writes them to. <see langword="null"/> keeps sessions in memory only.
    /// </summary>
    Func<Akka.Actor.ActorSystem, ISessionStore>? SessionStore { get; set; }
}
