using Akka.Actor;

namespace ActorSessions.Benchmarks.Designs;

/// <summary>
/// ActorSessions through <see cref="SessionClient"/>, which coalesces concurrent calls into batches; with
/// <c>partitions</c> above 1, over that many local partitions behind one router.
/// </summary>
internal sealed class ClientDesign : ISessionDesign
{
    private readonly IActorRef _container;
    private readonly int _partitions;

    public ClientDesign(ActorSystem system, string name, int partitions = 1)
    {
        _partitions = partitions;
        _container = system.ActorOf(SessionContainer.Props(SessionSettings.Default with { MaxSessions = 10_000_000, Partitions = partitions }), name);
        Client = new SessionClient(_container);
    }

    public SessionClient Client { get; }

    public IActorRef Container => _container;

    public string Name => _partitions == 1 ? "ActorSessions, SessionClient" : $"ActorSessions, SessionClient, {_partitions} partitions";

    public async Task<string[]> PopulateAsync(int count)
    {
        var ids = new string[count];
        const int Parallel = 256;
        for (var start = 0; start < count; start += Parallel)
        {
            var end = Math.Min(count, start + Parallel);
            var created = await Task.WhenAll(Enumerable.Range(start, end - start).Select(async i =>
            {
                var session = (await Client.OpenAsync()).Session.Set(Workload.UserKey, Workload.UserValue(i));
                await Client.SaveAsync(session);
                return session.Id;
            }));
            created.CopyTo(ids, start);
        }

        return ids;
    }

    // Wrapped, not awaited: no extra state machine between the caller and the client's task.
    public ValueTask OpenAsync(string id) => new(Client.OpenAsync(id));

    public async ValueTask WebRequestAsync(string id, byte[] value)
    {
        var session = (await Client.OpenAsync(id)).Session;
        _ = session.GetString(Workload.UserKey);
        await Client.SaveAsync(session.Set(Workload.WriteKey, value));
    }

    public ValueTask NewSessionAsync() => new(Client.OpenAsync());

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _container.GracefulStop(TimeSpan.FromSeconds(10));
    }
}
