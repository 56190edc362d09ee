using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Time.Testing;

namespace ActorSessions.Tests.TestSupport;

/// <summary>A TestKit with a fake clock and helpers to start containers and ask them.</summary>
public abstract class ContainerSpecBase : TestKit
{
    protected static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    protected static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    protected ContainerSpecBase()
        : base("akka.loglevel = WARNING")
    {
    }

    protected FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>Settings with a cleanup timer far enough away that it never fires during a spec.</summary>
    protected static SessionSettings Settings(Func<SessionSettings, SessionSettings>? change = null)
    {
        var settings = SessionSettings.Default with { CleanupInterval = TimeSpan.FromHours(1) };
        return change is null ? settings : change(settings);
    }

    protected IActorRef NewContainer(SessionSettings? settings = null, TimeProvider? time = null, Func<Session, Session>? factory = null) =>
        Sys.ActorOf(SessionContainer.Props(new SessionContainerOptions(settings ?? Settings()) { TimeProvider = time ?? Clock, SessionFactory = factory }));

    protected static Task<T> Ask<T>(IActorRef container, object message) => container.Ask<T>(message, AskTimeout);

    protected static async Task<Session> OpenNew(IActorRef container) =>
        (await Ask<SessionOpened>(container, new OpenSession())).Session;

    /// <summary>A probe that receives the container's lifecycle events.</summary>
    protected Akka.TestKit.TestProbe EventProbe()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(SessionCreated));
        Sys.EventStream.Subscribe(probe.Ref, typeof(SessionEnded));
        return probe;
    }
}
