using ActorSessions.Storage;
namespace ActorSessions.Storage.Tests.TestSupport;

/// <summary>A container over a real store in an actor system of its own, with short backoffs for the fault tests.</summary>
public sealed class DurableContainer : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static readonly SessionStoreSettings FastRetry = SessionStoreSettings.Default with
    {
        MinBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromMilliseconds(500),
        CommitTimeout = TimeSpan.FromSeconds(5),
    };

    private readonly ActorSystem _system;

    public DurableContainer(ISessionStore store, SessionStoreSettings? storeSettings = null)
    {
        _system = ActorSystem.Create("durable", "akka.loglevel = ERROR");
        Ref = _system.ActorOf(SessionContainer.Props(new SessionContainerOptions(SessionSettings.Default) { Store = store, StoreSettings = storeSettings ?? FastRetry }));
    }

    public IActorRef Ref { get; }

    public Task<T> Ask<T>(object message) => Ref.Ask<T>(message, Timeout);

    public async Task<Session> OpenNew() => (await Ask<SessionOpened>(new OpenSession())).Session;

    public async Task<Session> Save(Session session, string key, string value) =>
        (await Ask<SessionSaved>(new SaveSession(session.SetString(key, value)))).Session;

    public async Task<Session> Get(string id) => (await Ask<SessionFound>(new GetSession(id))).Session;

    public async Task<SessionStoreUnavailableException> SaveFails(Session session, string key, string value) =>
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => Ref.Ask<object>(new SaveSession(session.SetString(key, value)), Timeout));

    /// <summary>Saves until the container accepts writes again: each refused try is answered at once while it waits for its probe.</summary>
    public async Task<Session> SaveOnceBack(Session session, string key, string value, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return await Save(session, key, value);
            }
            catch (SessionStoreUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Ref.Ask<SessionStoreStats>(GetSessionStoreStats.Instance, Timeout);
            }
        }
    }

    public void Dispose() => _system.Dispose();
}
