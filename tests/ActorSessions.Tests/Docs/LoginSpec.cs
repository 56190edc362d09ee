using ActorSessions;
using Akka.Actor;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MyApp.Tests;

public sealed class LoginSpec : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public async Task A_session_idle_for_30_minutes_is_gone()
    {
        var clock = new FakeTimeProvider();
        var container = Sys.ActorOf(SessionContainer.Props(SessionSettings.Default, clock));
        var opened = await container.Ask<SessionOpened>(new OpenSession(), TimeSpan.FromSeconds(3));

        clock.Advance(TimeSpan.FromMinutes(30));

        container.Tell(new GetSession(opened.Session.Id));
        ExpectMsg<SessionNotFound>();
    }
}
