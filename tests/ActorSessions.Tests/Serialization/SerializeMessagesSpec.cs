using System.Runtime.Serialization;
using Akka.Configuration;
using Akka.TestKit.Xunit2;

namespace ActorSessions.Tests.Serialization;

/// <summary>
/// A container in an actor system that serializes every message it sends (<c>serialize-messages = on</c>),
/// configured with nothing but the library's embedded config: the binding in <c>reference.conf</c> reaches
/// the actor system, and the protocol survives the trip both ways.
/// </summary>
public sealed class SerializeMessagesSpec : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    public SerializeMessagesSpec()
        : base(ConfigurationFactory.ParseString("akka.actor.serialize-messages = on\nakka.loglevel = WARNING").WithFallback(SessionSettings.DefaultConfig))
    {
    }

    [Fact]
    public void A_container_serves_open_save_get_batch_and_delete_with_every_message_serialized()
    {
        var container = Sys.ActorOf(SessionContainer.Props(SessionSettings.Default with { CleanupInterval = TimeSpan.FromHours(1) }));
        var client = CreateTestProbe();

        client.Send(container, new OpenSession());
        var opened = client.ExpectMsg<SessionOpened>(Wait);
        Assert.True(opened.IsNew);

        client.Send(container, new SaveSession(opened.Session.SetString("user", "ådå 🦆").Set("bytes", new byte[] { 0, 255, 7 })));
        var saved = client.ExpectMsg<SessionSaved>(Wait);

        client.Send(container, new GetSession(opened.Session.Id));
        var found = client.ExpectMsg<SessionFound>(Wait);
        Assert.Equal(saved.Session, found.Session);
        Assert.Equal("ådå 🦆", found.Session.GetString("user"));

        // No Status.Failure in a slot here: without Akka.Remote, Akka serializes it with Newtonsoft, which cannot read it back.
        client.Send(container, new SessionBatch([new GetSession(opened.Session.Id), new OpenSession("never-issued")]));
        var handled = client.ExpectMsg<SessionBatchHandled>(Wait);
        Assert.Equal(saved.Session, Assert.IsType<SessionFound>(handled.Replies[0]).Session);
        Assert.True(Assert.IsType<SessionOpened>(handled.Replies[1]).IsNew);

        client.Send(container, new DeleteSession(opened.Session.Id));
        Assert.True(client.ExpectMsg<SessionDeleted>(Wait).Existed);

        client.Send(container, GetSessionStats.Instance);
        Assert.Equal(1, client.ExpectMsg<SessionStats>(Wait).Count);
    }

    [Fact]
    public void Events_on_the_event_stream_are_serialized_too()
    {
        var container = Sys.ActorOf(SessionContainer.Props(SessionSettings.Default));
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(SessionCreated));

        container.Tell(new OpenSession(), TestActor);

        var opened = ExpectMsg<SessionOpened>(Wait);
        Assert.Equal(opened.Session.Id, events.ExpectMsg<SessionCreated>(Wait).SessionId);
    }

    [Fact]
    public void The_serializer_is_on_the_path_a_message_without_a_manifest_is_refused_at_send()
    {
        // Bound by the marker interface: any ISessionMessage goes to the protocol's serializer, which
        // refuses one it has no manifest for, naming the type. (Asserted on the serializer Akka picks,
        // not on the log line Akka writes when it drops such a message: that line came late under load.)
        var serializer = Sys.Serialization.FindSerializerFor(new Unlisted());

        Assert.IsType<SessionProtocolSerializer>(serializer);
        var refused = Assert.Throws<SerializationException>(() => serializer.ToBinary(new Unlisted()));
        Assert.Contains("Unlisted", refused.Message, StringComparison.Ordinal);
    }

    private sealed record Unlisted : ISessionMessage;
}
