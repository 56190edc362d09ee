using Akka.TestKit.Xunit2;

namespace ActorSessions.Tests.Docs;

/// <summary>The README's examples, verbatim where they are code a reader would copy: they must stay true.</summary>
public sealed class ReadmeExamplesSpec : TestKit
{
    [Fact]
    public void The_readmes_TestKit_example_is_LoginSpec_as_it_compiles_here()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var spec = File.ReadAllText(Path.Combine(root, "tests", "ActorSessions.Tests", "Docs", "LoginSpec.cs")).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + spec + "```", readme, StringComparison.Ordinal);
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
