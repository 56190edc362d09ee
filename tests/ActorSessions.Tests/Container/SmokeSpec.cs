using Akka.TestKit.Xunit2;

namespace ActorSessions.Tests.Container;

public sealed class SmokeSpec : TestKit
{
    [Fact]
    public void Open_then_reopen()
    {
        var c = Sys.ActorOf(SessionContainer.Props(SessionSettings.Default));
        c.Tell(new OpenSession());
        var opened = ExpectMsg<SessionOpened>();
        Assert.True(opened.IsNew);
        Assert.Equal(20, opened.Session.Id.Length);
        c.Tell(new OpenSession(opened.Session.Id));
        var again = ExpectMsg<SessionOpened>();
        Assert.False(again.IsNew);
        Assert.Equal(opened.Session.Id, again.Session.Id);
        c.Tell(new SaveSession(again.Session.SetString("a", "b")));
        var saved = ExpectMsg<SessionSaved>();
        Assert.Equal("b", saved.Session.GetString("a"));
        Assert.Equal(1, saved.Session.Version);
    }
}
