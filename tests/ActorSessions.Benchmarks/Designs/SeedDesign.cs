using ActorSessions.Benchmarks.Seed;

namespace ActorSessions.Benchmarks.Designs;

/// <summary>The seed's design: a global lock around a dictionary, called synchronously.</summary>
internal sealed class SeedDesign(TimeProvider time) : ISessionDesign
{
    public SeedSessionContainer Container { get; } = new(SessionSettings.Default.IdleTimeout, time);

    public string Name => "seed: global lock + Dictionary";

    public Task<string[]> PopulateAsync(int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            var session = Container.Open();
            session.Write(Workload.UserKey, Workload.UserValue(i));
            Container.Save(session);
            ids[i] = session.Id;
        }

        return Task.FromResult(ids);
    }

    public ValueTask OpenAsync(string id)
    {
        Container.Open(id);
        return ValueTask.CompletedTask;
    }

    public ValueTask WebRequestAsync(string id, byte[] value)
    {
        var session = Container.Open(id);
        _ = session.Read(Workload.UserKey);
        session.Write(Workload.WriteKey, value);
        Container.Save(session);
        return ValueTask.CompletedTask;
    }

    public ValueTask NewSessionAsync()
    {
        Container.Open();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
