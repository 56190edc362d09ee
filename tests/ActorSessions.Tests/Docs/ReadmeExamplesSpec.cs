using System.Diagnostics;
using Akka.TestKit.Xunit2;

namespace ActorSessions.Tests.Docs;

/// <summary>The README's examples, verbatim where they are code a reader would copy: they must stay true.</summary>
public sealed class ReadmeExamplesSpec : TestKit
{
    private static string Root => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    [Fact]
    public void The_readmes_TestKit_example_is_LoginSpec_as_it_compiles_here()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md")).ReplaceLineEndings("\n");
        var spec = File.ReadAllText(Path.Combine(Root, "tests", "ActorSessions.Tests", "Docs", "LoginSpec.cs")).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + spec + "```", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void The_readmes_Akka_Hosting_example_is_the_AkkaHosting_sample_as_it_compiles()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md")).ReplaceLineEndings("\n");
        var sample = File.ReadAllText(Path.Combine(Root, "samples", "ActorSessions.Samples.AkkaHosting", "Program.cs")).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + sample + "```", readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Akka_Hosting_sample_stores_a_session_and_reads_it_back_through_the_client()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ActorSessions.Samples.AkkaHosting.dll"));
        using var sample = Process.Start(start)!;
        var output = sample.StandardOutput.ReadToEndAsync();
        var errors = sample.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await sample.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!sample.HasExited)
            {
                sample.Kill(entireProcessTree: true);
            }
        }

        Assert.True(sample.ExitCode == 0, await errors);
        Assert.Contains("user: ada", await output, StringComparison.Ordinal);
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
