using ActorSessions.Storage;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;

namespace ActorSessions.Tests.Serialization;

/// <summary>
/// In a cluster a partition on one node answers a caller on another with <see cref="Status.Failure"/>:
/// every exception the library answers with crosses Akka.Remote's serialization with its type, message and
/// own properties. Serialized here by a remoting actor system's own serializers, as a remote hop does.
/// </summary>
public sealed class RemoteExceptionsSpec : TestKit
{
    public RemoteExceptionsSpec()
        : base(ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.loglevel = WARNING
            """).WithFallback(SessionSettings.DefaultConfig))
    {
    }

    [Fact]
    public void A_failure_is_serialized_by_akka_remotes_own_serializer_not_the_json_fallback() =>
        Assert.Equal("MiscMessageSerializer", Sys.Serialization.FindSerializerFor(new Status.Failure(new SessionStoreUnavailableException())).GetType().Name);

    [Fact]
    public void SessionTooLargeException_arrives_with_its_limit_and_figures()
    {
        var sent = new SessionTooLargeException("max-session-bytes", 4096, 5000);

        var arrived = Assert.IsType<SessionTooLargeException>(RoundTrip(sent));

        Assert.Equal(sent.Message, arrived.Message);
        Assert.Equal(("max-session-bytes", 4096L, 5000L), (arrived.Limit, arrived.Maximum, arrived.Attempted));
    }

    [Fact]
    public void SessionStoreUnavailableException_arrives_with_the_stores_error_inside()
    {
        var sent = new SessionStoreUnavailableException("The session store failed to commit; the write was not made.", new IOException("disk full"));

        var arrived = Assert.IsType<SessionStoreUnavailableException>(RoundTrip(sent));

        Assert.Equal(sent.Message, arrived.Message);
        Assert.Equal("disk full", Assert.IsType<IOException>(arrived.InnerException).Message);
    }

    [Fact]
    public void SessionStoreFencedException_arrives_with_its_partition_and_both_epochs_also_as_an_inner_exception()
    {
        var fenced = new SessionStoreFencedException(7, 3, 4);
        var sent = new SessionStoreUnavailableException("This session container's partition was taken over by another writer.", fenced);

        var alone = Assert.IsType<SessionStoreFencedException>(RoundTrip(fenced));
        var inner = Assert.IsType<SessionStoreFencedException>(Assert.IsType<SessionStoreUnavailableException>(RoundTrip(sent)).InnerException);

        foreach (var arrived in new[] { alone, inner })
        {
            Assert.Equal(fenced.Message, arrived.Message);
            Assert.Equal((7, 3L, 4L), (arrived.Partition, arrived.HeldEpoch, arrived.CurrentEpoch));
        }
    }

    [Fact]
    public void SessionNotFoundException_arrives_with_its_id_and_whether_it_was_retired()
    {
        var sent = new SessionNotFoundException("kY3fT8bQ2wZp_Lr5Nc1H") { Retired = true };

        var arrived = Assert.IsType<SessionNotFoundException>(RoundTrip(sent));

        Assert.Equal(sent.Message, arrived.Message);
        Assert.Equal(("kY3fT8bQ2wZp_Lr5Nc1H", true), (arrived.SessionId, arrived.Retired));
    }

    [Fact]
    public void SessionVersionConflictException_arrives_with_the_current_session_and_the_attempted_version()
    {
        var current = new Session("kY3fT8bQ2wZp_Lr5Nc1H", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(3), 5, SessionData.Empty.SetItem("cart", [1, 2, 3]));
        var sent = new SessionVersionConflictException(new SessionVersionConflict(current, 4));

        var arrived = Assert.IsType<SessionVersionConflictException>(RoundTrip(sent));

        Assert.Equal(sent.Message, arrived.Message);
        Assert.Equal(current, arrived.Current);
        Assert.Equal(4, arrived.AttemptedVersion);
    }

    [Fact]
    public void The_framework_exceptions_the_container_answers_bad_input_and_timeouts_with_arrive_whole()
    {
        var argument = Assert.IsType<ArgumentException>(RoundTrip(new ArgumentException("GetSession needs a session id; it was null or empty.", "SessionId")));
        var missing = Assert.IsType<ArgumentNullException>(RoundTrip(new ArgumentNullException("Requests", "SessionBatch needs a list of requests.")));
        var range = Assert.IsType<ArgumentOutOfRangeException>(RoundTrip(new ArgumentOutOfRangeException("Requests", "A batch holds at most 1000 requests.")));
        var late = Assert.IsType<TimeoutException>(RoundTrip(new TimeoutException("The batch could not be answered by its deadline.")));
        var invalid = Assert.IsType<InvalidOperationException>(RoundTrip(new InvalidOperationException("The session id is already held.")));

        // Akka sends Message, which an ArgumentException ends with its parameter, and the rebuilt one adds it
        // again: the text arrives whole, with the parameter named twice.
        Assert.Equal("SessionId", argument.ParamName);
        Assert.StartsWith("GetSession needs a session id; it was null or empty. (Parameter 'SessionId')", argument.Message, StringComparison.Ordinal);
        Assert.Equal("Requests", missing.ParamName);
        Assert.Equal("Requests", range.ParamName);
        Assert.Equal("The batch could not be answered by its deadline.", late.Message);
        Assert.Equal("The session id is already held.", invalid.Message);
    }

    [Fact]
    public void A_failure_in_a_batchs_answer_arrives_with_its_exception()
    {
        var handled = new SessionBatchHandled([new Status.Failure(new SessionTooLargeException("max-keys-per-session", 10, 11))]);
        var serializer = Sys.Serialization.FindSerializerFor(handled);

        var arrived = (SessionBatchHandled)Sys.Serialization.Deserialize(serializer.ToBinary(handled), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, handled));

        var cause = Assert.IsType<SessionTooLargeException>(Assert.IsType<Status.Failure>(Assert.Single(arrived.Replies)).Cause);
        Assert.Equal(("max-keys-per-session", 10L, 11L), (cause.Limit, cause.Maximum, cause.Attempted));
    }

    /// <summary>A <see cref="Status.Failure"/> carrying <paramref name="cause"/>, through the serializer Akka picks for it and back; its cause.</summary>
    private Exception? RoundTrip(Exception cause)
    {
        var failure = new Status.Failure(cause);
        var serializer = Sys.Serialization.FindSerializerFor(failure);
        var bytes = serializer.ToBinary(failure);
        var arrived = Assert.IsType<Status.Failure>(Sys.Serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, failure)));
        return arrived.Cause;
    }
}
