using Akka.Actor;

namespace ActorSessions.Benchmarks.Designs;

/// <summary>ActorSessions through plain <c>Ask</c>: one temporary actor and one timeout timer per request.</summary>
internal sealed class AskDesign(ActorSystem system, string name) : ISessionDesign
{
    private static readonly TimeSpan Timeout = SessionClientSettings.Default.RequestTimeout;

    // Set-up is not measured: on a machine loaded by other work, a slow answer there says nothing about
    // the design, so it is given longer than a measured request before it fails the run.
    private static readonly TimeSpan SetUpTimeout = TimeSpan.FromSeconds(30);

    private readonly IActorRef _container = system.ActorOf(
        SessionContainer.Props(SessionSettings.Default with { MaxSessions = 10_000_000 }),
        name);

    public string Name => "ActorSessions, plain Ask";

    public async Task<string[]> PopulateAsync(int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            var opened = await _container.Ask<SessionOpened>(new OpenSession(), SetUpTimeout);
            var session = opened.Session.Set(Workload.UserKey, Workload.UserValue(i));
            await _container.Ask<SessionSaved>(new SaveSession(session), SetUpTimeout);
            ids[i] = session.Id;
        }

        return ids;
    }

    public ValueTask OpenAsync(string id) => new(_container.Ask<SessionOpened>(new OpenSession(id), Timeout));

    public async ValueTask WebRequestAsync(string id, byte[] value)
    {
        var session = (await _container.Ask<SessionOpened>(new OpenSession(id), Timeout)).Session;
        _ = session.GetString(Workload.UserKey);
        await _container.Ask<SessionSaved>(new SaveSession(session.Set(Workload.WriteKey, value)), Timeout);
    }

    public ValueTask NewSessionAsync() => new(_container.Ask<SessionOpened>(new OpenSession(), Timeout));

    public async ValueTask DisposeAsync() => await _container.GracefulStop(TimeSpan.FromSeconds(10));
}
