using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Time.Testing;

namespace ActorSessions.Tests.Docs;

/// <summary>The README's examples, verbatim where they are code a reader would copy: they must stay true.</summary>
public sealed class ReadmeExamplesSpec : TestKit
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

    [Fact]
    public async Task The_cart_actor_saves_through_Tell()
    {
        var container = Sys.ActorOf(SessionContainer.Props(SessionSettings.Default));
        var id = (await container.Ask<SessionOpened>(new OpenSession(), TimeSpan.FromSeconds(3))).Session.Id;

        Sys.ActorOf(Props.Create(() => new CartActor(container, id)));

        await AwaitAssertAsync(async () =>
        {
            var found = await container.Ask<SessionFound>(new GetSession(id), TimeSpan.FromSeconds(3));
            Assert.Equal("3 items", found.Session.GetString("cart"));
        });
    }

    private sealed class CartActor : ReceiveActor
    {
        public CartActor(IActorRef sessions, string sessionId)
        {
            sessions.Tell(new OpenSession(sessionId));
            Receive<SessionOpened>(opened =>
                sessions.Tell(new SaveSession(opened.Session.SetString("cart", "3 items"))));
            Receive<SessionSaved>(_ => { });
        }
    }
}
