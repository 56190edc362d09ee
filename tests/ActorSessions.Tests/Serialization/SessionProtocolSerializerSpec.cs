using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text;
using Akka.TestKit.Xunit2;

namespace ActorSessions.Tests.Serialization;

public sealed class SessionProtocolSerializerSpec : TestKit
{
    private readonly SessionProtocolSerializer _serializer;

    public SessionProtocolSerializerSpec()
        : base(SessionSettings.DefaultConfig)
    {
        _serializer = new SessionProtocolSerializer((ExtendedActorSystem)Sys);
    }

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_message_type_round_trips_with_random_content(int seed)
    {
        var random = new RandomMessages(seed);
        var factories = random.Factories();
        for (var iteration = 0; iteration < 40; iteration++)
        {
            foreach (var factory in factories)
            {
                var message = factory();

                var back = RoundTrip(message);

                AssertSameMessage(message, back);
            }
        }
    }

    [Fact]
    public void The_random_messages_cover_every_message_type()
    {
        var covered = new RandomMessages(0).Factories().Select(f => f().GetType()).ToHashSet();

        Assert.Equal(SessionProtocolSerializer.Manifests.Keys.ToHashSet(), covered);
    }

    [Fact]
    public void Every_public_session_message_has_a_manifest()
    {
        var messages = typeof(ISessionMessage).Assembly.GetTypes()
            .Where(t => t.IsVisible && !t.IsAbstract && !t.IsInterface && typeof(ISessionMessage).IsAssignableFrom(t));

        Assert.All(messages, t => Assert.True(SessionProtocolSerializer.Manifests.ContainsKey(t), $"{t.Name} has no manifest in SessionProtocolSerializer.Formats.cs"));
    }

    [Fact]
    public void Manifests_are_fixed()
    {
        // Written on the wire: renaming one breaks every node of the previous version. A new format is a new manifest.
        var expected = new Dictionary<Type, string>
        {
            [typeof(OpenSession)] = "open.1",
            [typeof(GetSession)] = "get.1",
            [typeof(SaveSession)] = "save.1",
            [typeof(UpdateSession)] = "update.1",
            [typeof(DeleteSession)] = "delete.1",
            [typeof(RenewSessionId)] = "renew.1",
            [typeof(TouchSession)] = "touch.1",
            [typeof(CreateSession)] = "create.1",
            [typeof(SessionBatch)] = "batch.1",
            [typeof(CleanupSessions)] = "cleanup.1",
            [typeof(AdjustTime)] = "adjust-time.1",
            [typeof(GetSessionStats)] = "get-stats.1",
            [typeof(GetPartitionStats)] = "get-part-stats.1",
            [typeof(GetSessionStoreStats)] = "get-store-stats.1",
            [typeof(FlushSessionStore)] = "flush-store.1",
            [typeof(PartitionEnvelope)] = "partition.1",
            [typeof(SessionOpened)] = "opened.1",
            [typeof(SessionFound)] = "found.1",
            [typeof(SessionNotFound)] = "not-found.1",
            [typeof(SessionSaved)] = "saved.1",
            [typeof(SessionVersionConflict)] = "version-conflict.1",
            [typeof(SessionDeleted)] = "deleted.1",
            [typeof(SessionRenewed)] = "renewed.1",
            [typeof(SessionBatchHandled)] = "batch-handled.1",
            [typeof(SessionsCleanedUp)] = "cleaned-up.1",
            [typeof(TimeAdjusted)] = "time-adjusted.1",
            [typeof(SessionStats)] = "stats.1",
            [typeof(PartitionStatsReport)] = "part-stats.1",
            [typeof(SessionStoreStats)] = "store-stats.1",
            [typeof(SessionStoreFlushed)] = "store-flushed.1",
            [typeof(SessionCreated)] = "created.1",
            [typeof(SessionEnded)] = "ended.1",
        };

        Assert.Equal(expected.OrderBy(p => p.Value), SessionProtocolSerializer.Manifests.OrderBy(p => p.Value));
    }

    [Fact]
    public void The_format_of_a_message_is_fixed()
    {
        var session = new Session("id", new DateTimeOffset(0, TimeSpan.Zero), new DateTimeOffset(0, TimeSpan.Zero), 3, SessionData.Empty.SetItem("k", [1, 2]));

        var bytes = _serializer.ToBinary(new SessionFound(session));

        byte[] expected =
        [
            1, // a session
            5, (byte)'i', (byte)'d', // id: 2 UTF-8 bytes, header (2 × 2) + 1
            0, 0, 0, 0, 0, 0, 0, 0, 0, // created: ticks (fixed 64), offset 0
            0, 0, 0, 0, 0, 0, 0, 0, 0, // last modified
            6, // version 3, zigzag
            1, 3, (byte)'k', 2, 1, 2, // one key "k" with [1, 2]
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void No_type_name_goes_on_the_wire()
    {
        var message = new SessionBatchHandled([new SessionOpened(new RandomMessages(9).Session(), true), new SessionNotFound("x")]);

        var bytes = _serializer.ToBinary(message);

        Assert.DoesNotContain("ActorSessions", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.All(SessionProtocolSerializer.Manifests.Values, m => Assert.True(m.Length <= 20, m));
    }

    [Fact]
    public void Huge_data_round_trips()
    {
        var data = SessionData.CreateRange(
            Enumerable.Range(0, 10_000).Select(i => KeyValuePair.Create($"key-{i}", ImmutableArray.Create((byte)i)))
                .Append(KeyValuePair.Create("big", ImmutableArray.Create(new byte[4 * 1024 * 1024]))));
        var message = new SessionSaved(new Session("id", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1, data));

        Assert.Equal(message, RoundTrip(message));
    }

    [Fact]
    public void Null_where_a_value_is_required_arrives_as_sent_so_the_container_refuses_it_as_it_would_locally()
    {
        AssertSameMessage(new GetSession(null!), RoundTrip(new GetSession(null!)));
        AssertSameMessage(new SaveSession(null!), RoundTrip(new SaveSession(null!)));
        AssertSameMessage(new SessionBatch(null!), RoundTrip(new SessionBatch(null!)));
        AssertSameMessage(new SessionBatch([null!, new OpenSession()]), RoundTrip(new SessionBatch([null!, new OpenSession()])));
    }

    [Fact]
    public void Time_stamps_keep_their_offset()
    {
        var time = new DateTimeOffset(2026, 12, 1, 11, 30, 0, TimeSpan.FromHours(5.5));

        var back = (SessionCreated)RoundTrip(new SessionCreated("id", time));

        Assert.Equal(time.Offset, back.CreatedAt.Offset);
        Assert.Equal(time.Ticks, back.CreatedAt.Ticks);
    }

    [Fact]
    public void A_batch_arrives_without_its_deadline()
    {
        // AnswerBy is a Stopwatch timestamp of the sending process: another process's clock cannot read it.
        var batch = new SessionBatch([new OpenSession()]) { AnswerBy = 12345 };

        var back = (SessionBatch)RoundTrip(batch);

        Assert.Equal(0, back.AnswerBy);
    }

    [Fact]
    public void A_reply_that_is_not_a_protocol_message_goes_through_the_actor_systems_serialization()
    {
        var handled = new SessionBatchHandled([new Status.Success("done"), "text", new SessionNotFound("x")]);

        var back = (SessionBatchHandled)RoundTrip(handled);

        Assert.Equal("done", Assert.IsType<Status.Success>(back.Replies[0]).Status);
        Assert.Equal("text", back.Replies[1]);
        Assert.Equal(new SessionNotFound("x"), back.Replies[2]);
    }

    [Fact]
    public void An_unknown_manifest_fails_with_a_clear_serialization_exception()
    {
        var e = Assert.Throws<SerializationException>(() => _serializer.FromBinary([], "open.99"));

        Assert.Contains("Unknown manifest 'open.99'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_without_a_manifest_fails_with_a_clear_serialization_exception()
    {
        var e = Assert.Throws<SerializationException>(() => _serializer.ToBinary(new Unlisted()));

        Assert.Contains("Unlisted has no manifest", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_cut_short_or_with_trailing_garbage_fail_with_a_serialization_exception()
    {
        var bytes = _serializer.ToBinary(new SessionFound(new RandomMessages(3).Session()));

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes[..length], "found.1"));
        }

        Assert.Throws<SerializationException>(() => _serializer.FromBinary([.. bytes, 0], "found.1"));
    }

    [Fact]
    public void Replies_that_hold_themselves_are_refused_rather_than_overflow_the_stack()
    {
        var replies = new List<object>();
        var handled = new SessionBatchHandled(replies);
        replies.Add(handled);

        Assert.Throws<SerializationException>(() => _serializer.ToBinary(handled));
    }

    [Fact]
    public void Bytes_that_nest_past_any_real_use_are_refused_rather_than_overflow_the_stack()
    {
        var bytes = _serializer.ToBinary(new SessionBatchHandled([new SessionNotFound("x")]));
        for (var i = 0; i < 20; i++)
        {
            // One reply slot (count 1 + 1) holding the previous bytes as our own (tag 1) batch-handled.1 (15 bytes: header 31).
            bytes = [2, 1, 31, .. "batch-handled.1"u8, .. bytes];
        }

        var e = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "batch-handled.1"));
        Assert.Contains("nest deeper", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_garbage_never_fails_with_anything_but_a_serialization_exception()
    {
        var random = new Random(77);
        var manifests = SessionProtocolSerializer.Manifests.Values.ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            var manifest = manifests[random.Next(manifests.Length)];
            try
            {
                _serializer.FromBinary(bytes, manifest);
            }
            catch (SerializationException)
            {
            }
        }
    }

    [Fact]
    public void The_actor_system_picks_the_serializer_for_every_message_from_the_embedded_config()
    {
        var serialization = Sys.Serialization;

        Assert.All(new RandomMessages(5).Factories(), f => Assert.IsType<SessionProtocolSerializer>(serialization.FindSerializerFor(f())));
        Assert.Equal(SessionProtocolSerializer.SerializerId, serialization.FindSerializerFor(new OpenSession()).Identifier);
    }

    [Fact]
    public async Task A_plain_actor_system_created_with_the_default_config_binds_the_serializer()
    {
        using var system = ActorSystem.Create("plain", SessionSettings.DefaultConfig);

        Assert.IsType<SessionProtocolSerializer>(system.Serialization.FindSerializerFor(new SessionFound(new RandomMessages(1).Session())));
        await system.Terminate();
    }

    private object RoundTrip(ISessionMessage message)
    {
        var manifest = _serializer.Manifest(message);
        return _serializer.FromBinary(_serializer.ToBinary(message), manifest);
    }

    /// <summary>Records compare lists and arrays by reference; these compare their contents.</summary>
    private static void AssertSameMessage(object? expected, object? actual)
    {
        switch (expected)
        {
            case UpdateSession update:
                var back = Assert.IsType<UpdateSession>(actual);
                Assert.Equal(update.SessionId, back.SessionId);
                Assert.Equal(update.Set, back.Set);
                Assert.Equal(update.Remove.IsDefault, back.Remove.IsDefault);
                if (!update.Remove.IsDefault)
                {
                    Assert.Equal(update.Remove.ToArray(), back.Remove.ToArray());
                }

                Assert.Equal(update.Clear, back.Clear);
                break;
            case CreateSession create:
                var created = Assert.IsType<CreateSession>(actual);
                Assert.Equal(create.Set, created.Set);
                Assert.Equal(create.Remove.IsDefault, created.Remove.IsDefault);
                if (!create.Remove.IsDefault)
                {
                    Assert.Equal(create.Remove.ToArray(), created.Remove.ToArray());
                }

                Assert.Equal(create.Clear, created.Clear);
                break;
            case SessionBatch batch:
                AssertSameList(batch.Requests, Assert.IsType<SessionBatch>(actual).Requests);
                break;
            case PartitionEnvelope envelope:
                var arrived = Assert.IsType<PartitionEnvelope>(actual);
                Assert.Equal(envelope.Partition, arrived.Partition);
                AssertSameMessage(envelope.Message, arrived.Message);
                break;
            case PartitionStatsReport report:
                Assert.Equal(report.Partitions, Assert.IsType<PartitionStatsReport>(actual).Partitions);
                break;
            case SessionBatchHandled handled:
                AssertSameList(handled.Replies, Assert.IsType<SessionBatchHandled>(actual).Replies);
                break;
            case Session or SessionOpened or SessionSaved or SessionFound or SessionRenewed or SessionVersionConflict or SessionCreated:
                Assert.Equal(expected, actual);
                AssertSameOffsets(expected, actual!);
                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }

    private static void AssertSameList<T>(IReadOnlyList<T>? expected, IReadOnlyList<T>? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }

        Assert.NotNull(actual);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertSameMessage(expected[i], actual[i]);
        }
    }

    // DateTimeOffset equality compares instants only; the offset must come back too.
    private static void AssertSameOffsets(object expected, object actual)
    {
        static Session? SessionOf(object o) => o switch
        {
            SessionOpened m => m.Session,
            SessionSaved m => m.Session,
            SessionFound m => m.Session,
            SessionRenewed m => m.Session,
            SessionVersionConflict m => m.Current,
            _ => null,
        };

        if (SessionOf(expected) is { } session)
        {
            var back = SessionOf(actual)!;
            Assert.Equal(session.CreatedAt.Offset, back.CreatedAt.Offset);
            Assert.Equal(session.LastModified.Offset, back.LastModified.Offset);
        }
    }

    private sealed record Unlisted : ISessionMessage;
}
