using System.Collections.Immutable;
using System.Text;

namespace ActorSessions.Tests.Serialization;

/// <summary>Messages of every protocol type with random content, from a seeded <see cref="Random"/>, so a failure reproduces.</summary>
internal sealed class RandomMessages(int seed)
{
    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private readonly Random _random = new(seed);

    public Func<ISessionMessage>[] Factories() =>
    [
        () => new OpenSession(MaybeNull(Id())),
        () => new GetSession(Id()),
        () => new SaveSession(Session(), Bool()),
        () => Update(),
        () => new DeleteSession(Id()),
        () => new RenewSessionId(Id()),
        () => new TouchSession(Id()),
        () => Update() is var u ? new CreateSession(u.Set, u.Remove, u.Clear) : null!,
        () => Batch(),
        () => CleanupSessions.Instance,
        () => new AdjustTime(new TimeSpan(Long())),
        () => GetSessionStats.Instance,
        () => GetSessionStoreStats.Instance,
        () => GetPartitionStats.Instance,
        () => FlushSessionStore.Instance,
        () => new PartitionEnvelope(_random.Next(0, 65_536), _random.Next(3) switch { 0 => Batch(), 1 => CleanupSessions.Instance, _ => Request() }),
        () => new SessionOpened(Session(), Bool()),
        () => new SessionFound(Session()),
        () => new SessionNotFound(Id()) { Retired = Bool() },
        () => new SessionSaved(Session()),
        () => new SessionVersionConflict(Session(), Long()),
        () => new SessionDeleted(Id(), Bool()),
        () => new SessionRenewed(Session(), Id()),
        () => Handled(),
        () => new SessionsCleanedUp(_random.Next(int.MinValue, int.MaxValue), _random.Next()),
        () => new TimeAdjusted(_random.Next()),
        () => Stats(),
        () => new PartitionStatsReport([.. Enumerable.Range(0, _random.Next(0, 40)).Select(p => new PartitionStats(p, Text(), Stats()))]),
        () => new SessionStoreStats(Bool(), Bool(), Long(), Long(), Long(), Long(), _random.Next(), _random.Next(), _random.Next(), new TimeSpan(Long()), MaybeNull(Text())),
        () => SessionStoreFlushed.Instance,
        () => new SessionCreated(Id(), Time(), MaybeNull(Id())),
        () => new SessionEnded(Id(), (SessionEndReason)_random.Next(0, 5)),
    ];

    public Session Session() => new(Id(), Time(), Time(), Long(), Data());

    public SessionData Data()
    {
        var count = _random.Next(8) switch
        {
            0 => 0,
            7 => _random.Next(50, 300),
            _ => _random.Next(1, 10),
        };
        var data = new Dictionary<string, ImmutableArray<byte>>(StringComparer.Ordinal);
        while (data.Count < count)
        {
            data[Text()] = Bytes();
        }

        return SessionData.CreateRange(data);
    }

    private SessionStats Stats() =>
        new(_random.Next(), Long(), Long(), Long(), Long(), Long(), new TimeSpan(Long()), _random.Next()) { DataBytes = Long() };

    private UpdateSession Update() =>
        new(
            Id(),
            _random.Next(3) == 0 ? default : Data(),
            _random.Next(3) switch
            {
                0 => default,
                1 => [],
                _ => [.. Enumerable.Range(0, _random.Next(1, 6)).Select(_ => Text())],
            },
            Bool());

    private SessionBatch Batch()
    {
        ISessionRequest[] requests = [.. Enumerable.Range(0, _random.Next(0, 12)).Select(_ => Request())];
        return new SessionBatch(requests);
    }

    private ISessionRequest Request() => _random.Next(9) switch
    {
        6 => new TouchSession(Id()),
        7 => new CreateSession(Data()),
        0 => new OpenSession(MaybeNull(Id())),
        1 => new GetSession(Id()),
        2 => new SaveSession(Session(), Bool()),
        3 => Update(),
        4 => new DeleteSession(Id()),
        5 => new RenewSessionId(Id()),
        _ => null!,
    };

    private SessionBatchHandled Handled()
    {
        object[] replies =
        [
            .. Enumerable.Range(0, _random.Next(0, 12)).Select(_ => _random.Next(7) switch
            {
                0 => new SessionOpened(Session(), Bool()),
                1 => new SessionNotFound(Id()) { Retired = Bool() },
                2 => new SessionSaved(Session()),
                3 => new SessionDeleted(Id(), Bool()),
                4 => new SessionVersionConflict(Session(), Long()),
                5 => (object)$"not a protocol message {_random.Next()}", // through Akka's own serializer (JSON)
                _ => null!,
            }),
        ];
        return new SessionBatchHandled(replies);
    }

    private bool Bool() => _random.Next(2) == 0;

    private T? MaybeNull<T>(T value)
        where T : class => _random.Next(4) == 0 ? null : value;

    private long Long() => _random.Next(4) switch
    {
        0 => _random.Next(-10, 10),
        1 => long.MinValue + _random.Next(10),
        2 => long.MaxValue - _random.Next(10),
        _ => _random.NextInt64(long.MinValue, long.MaxValue),
    };

    private DateTimeOffset Time() =>
        new(_random.NextInt64(DateTimeOffset.MinValue.Ticks + TimeSpan.TicksPerDay, DateTimeOffset.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.FromMinutes(_random.Next(-14 * 60, (14 * 60) + 1)));

    /// <summary>A session id as issued, or now and then what a client might present instead: empty, long, odd characters.</summary>
    private string Id() => _random.Next(10) switch
    {
        0 => string.Empty,
        1 => Text(),
        2 => new string('x', _random.Next(1000, 5000)),
        _ => string.Create(20, _random, static (chars, r) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = IdAlphabet[r.Next(64)];
            }
        }),
    };

    /// <summary>Text of any kind: ASCII, accents, CJK, emoji (surrogate pairs), and now and then a lone surrogate.</summary>
    private string Text()
    {
        var length = _random.Next(0, 24);
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            switch (_random.Next(10))
            {
                case 0:
                    sb.Append((char)_random.Next(0x00E0, 0x0250));
                    break;
                case 1:
                    sb.Append((char)_random.Next(0x4E00, 0x9FFF));
                    break;
                case 2:
                    sb.Append(char.ConvertFromUtf32(_random.Next(0x1F300, 0x1FAFF)));
                    break;
                case 3 when _random.Next(20) == 0:
                    sb.Append((char)_random.Next(0xD800, 0xE000));
                    break;
                case 4:
                    sb.Append((char)_random.Next(0, 32));
                    break;
                default:
                    sb.Append((char)_random.Next(32, 127));
                    break;
            }
        }

        return sb.ToString();
    }

    private ImmutableArray<byte> Bytes()
    {
        var length = _random.Next(20) switch
        {
            0 => 0,
            1 when _random.Next(10) == 0 => _random.Next(16 * 1024, 256 * 1024),
            _ => _random.Next(1, 200),
        };
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return [.. bytes];
    }
}
