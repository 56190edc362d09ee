using ActorSessions.Storage;
using Akka;
using Akka.Actor;
using Akka.Event;

namespace ActorSessions.Hosting;

/// <summary>Ties a container's store to the actor system: touches are flushed on a planned shutdown, the store disposed after it.</summary>
internal static class SessionStoreLifetime
{
    public static void Attach(ActorSystem system, IActorRef container, ISessionStore store, TimeSpan timeout) =>
        Attach(system, container, store, timeout, flushOnShutdown: true);

    /// <summary>
    /// As <see cref="Attach(ActorSystem, IActorRef, ISessionStore, TimeSpan)"/>; <paramref name="flushOnShutdown"/>
    /// is <see langword="false"/> in a cluster, where each partition flushes its touches when it is handed off
    /// (before this phase, when the region is already gone).
    /// </summary>
    public static void Attach(ActorSystem system, IActorRef container, ISessionStore store, TimeSpan timeout, bool flushOnShutdown)
    {
        if (flushOnShutdown)
        {
            AddFlush(system, container, timeout);
        }

        system.RegisterOnTermination(() =>
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        });
    }

    private static void AddFlush(ActorSystem system, IActorRef container, TimeSpan timeout)
    {
        // Before the actors stop: the container writes the touches it holds behind, so a planned
        // shutdown loses nothing at all.
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "flush-session-store", async () =>
        {
            try
            {
                await container.Ask<SessionStoreFlushed>(FlushSessionStore.Instance, timeout).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                system.Log.Warning("The session container could not flush its store before shutdown: {0}", e.Message);
            }

            return Done.Instance;
        });
    }
}
