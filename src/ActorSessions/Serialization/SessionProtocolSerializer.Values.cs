using System.Collections.Immutable;
using System.Runtime.Serialization;

namespace ActorSessions;

public sealed partial class SessionProtocolSerializer
{
    // A session: presence (0 or 1), id, both stamps, version, data.
    private static void WriteSession(WireWriter writer, Session? session)
    {
        writer.Bool(session is not null);
        if (session is null)
        {
            return;
        }

        writer.String(session.Id);
        WriteTime(writer, session.CreatedAt);
        WriteTime(writer, session.LastModified);
        writer.VarInt(session.Version);
        WriteData(writer, session.Data);
    }

    private static Session? ReadSession(WireReader reader) =>
        reader.Bool() ? new Session(reader.String()!, ReadTime(reader), ReadTime(reader), reader.VarInt(), ReadData(reader)) : null;

    // The clock time's ticks and the offset in minutes: the instant and the offset both come back as they were.
    private static void WriteTime(WireWriter writer, DateTimeOffset time)
    {
        writer.Fixed64(time.Ticks);
        writer.VarInt((long)time.Offset.TotalMinutes);
    }

    private static DateTimeOffset ReadTime(WireReader reader)
    {
        var ticks = reader.Fixed64();
        var offset = reader.VarInt();
        try
        {
            return new DateTimeOffset(ticks, TimeSpan.FromMinutes(offset));
        }
        catch (ArgumentException e)
        {
            throw new SerializationException($"A message with manifest '{reader.Manifest}' is malformed: {e.Message}", e);
        }
    }

    // Data: the count of keys, then each key (a string, exactly) and its value (length-prefixed bytes).
    private static void WriteData(WireWriter writer, SessionData data)
    {
        writer.VarUInt((ulong)data.Count);
        foreach (var (key, value) in data)
        {
            writer.String(key);
            writer.Bytes(value.AsSpan());
        }
    }

    private static SessionData ReadData(WireReader reader)
    {
        var count = reader.Count(minBytesEach: 2);
        if (count == 0)
        {
            return SessionData.Empty;
        }

        var entries = new KeyValuePair<string, ImmutableArray<byte>>[count];
        for (var i = 0; i < count; i++)
        {
            var key = reader.String() ?? throw reader.Malformed("a data key is null");
            entries[i] = new(key, reader.Bytes().ToImmutableArray());
        }

        return SessionData.TryCreateOwned(entries, out var data, out var duplicate)
            ? data
            : throw reader.Malformed($"the data key '{duplicate}' appears twice");
    }

    // An update: id, set, remove (0 for default, else the count + 1: default and empty stay apart), clear.
    private static void WriteUpdate(WireWriter writer, UpdateSession update)
    {
        writer.String(update.SessionId);
        WriteData(writer, update.Set);
        if (update.Remove.IsDefault)
        {
            writer.VarUInt(0);
        }
        else
        {
            writer.VarUInt((ulong)update.Remove.Length + 1);
            foreach (var key in update.Remove)
            {
                writer.String(key);
            }
        }

        writer.Bool(update.Clear);
    }

    private static UpdateSession ReadUpdate(WireReader reader)
    {
        var id = reader.String()!;
        var set = ReadData(reader);
        var remove = default(ImmutableArray<string>);
        if (reader.VarUInt() is var header and > 0)
        {
            var count = header - 1;
            if (count > (ulong)reader.Remaining)
            {
                throw reader.Malformed($"a count of {count} is more than the bytes left hold");
            }

            var keys = ImmutableArray.CreateBuilder<string>((int)count);
            for (var i = 0UL; i < count; i++)
            {
                keys.Add(reader.String()!);
            }

            remove = keys.MoveToImmutable();
        }

        return new UpdateSession(id, set, remove, reader.Bool());
    }

    // A list of nested messages: 0 for a null list, else the count + 1.
    private void WriteBatch(WireWriter writer, SessionBatch batch) => WriteList(writer, batch.Requests);

    private SessionBatch ReadBatch(WireReader reader)
    {
        var items = ReadList(reader);
        if (items is null)
        {
            return new SessionBatch(null!);
        }

        var requests = new ISessionRequest[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            requests[i] = items[i] switch
            {
                null => null!,
                ISessionRequest request => request,
                var other => throw reader.Malformed($"a batch holds a {other.GetType().Name}, which is not a request"),
            };
        }

        return new SessionBatch(requests);
    }

    private void WriteReplies(WireWriter writer, SessionBatchHandled handled) => WriteList(writer, handled.Replies);

    private SessionBatchHandled ReadReplies(WireReader reader) => new(ReadList(reader)!);

    private void WriteList<T>(WireWriter writer, IReadOnlyList<T>? items)
        where T : class
    {
        if (items is null)
        {
            writer.VarUInt(0);
            return;
        }

        writer.VarUInt((ulong)items.Count + 1);
        for (var i = 0; i < items.Count; i++)
        {
            WriteNested(writer, items[i]);
        }
    }

    private object?[]? ReadList(WireReader reader)
    {
        var header = reader.VarUInt();
        if (header == 0)
        {
            return null;
        }

        var count = header - 1;
        if (count > (ulong)reader.Remaining)
        {
            throw reader.Malformed($"a count of {count} is more than the bytes left hold");
        }

        var items = new object?[count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = ReadNested(reader);
        }

        return items;
    }

    private static void WriteStats(WireWriter writer, SessionStats stats)
    {
        writer.VarInt(stats.Count);
        writer.VarInt(stats.Created);
        writer.VarInt(stats.Expired);
        writer.VarInt(stats.Deleted);
        writer.VarInt(stats.Evicted);
        writer.VarInt(stats.Renewed);
        writer.VarInt(stats.LastCleanupDuration.Ticks);
        writer.VarInt(stats.LastCleanupRemoved);
        writer.VarInt(stats.DataBytes);
    }

    private static SessionStats ReadStats(WireReader reader) =>
        new(reader.VarInt32(), reader.VarInt(), reader.VarInt(), reader.VarInt(), reader.VarInt(), reader.VarInt(), new TimeSpan(reader.VarInt()), reader.VarInt32())
        {
            DataBytes = reader.VarInt(),
        };

    private static void WritePartitionStats(WireWriter writer, PartitionStatsReport report)
    {
        writer.VarUInt((ulong)report.Partitions.Count);
        foreach (var partition in report.Partitions)
        {
            writer.VarInt(partition.Partition);
            writer.String(partition.Node);
            WriteStats(writer, partition.Stats);
        }
    }

    private static PartitionStatsReport ReadPartitionStats(WireReader reader)
    {
        // Each entry takes at least a byte for the partition, one for the node and nine for the figures.
        var partitions = new PartitionStats[reader.Count(11)];
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i] = new PartitionStats(reader.VarInt32(), reader.String()!, ReadStats(reader));
        }

        return new PartitionStatsReport(partitions);
    }

    private static void WriteStoreStats(WireWriter writer, SessionStoreStats stats)
    {
        writer.Bool(stats.HasStore);
        writer.Bool(stats.Available);
        writer.VarInt(stats.Commits);
        writer.VarInt(stats.WritesCommitted);
        writer.VarInt(stats.FailedCommits);
        writer.VarInt(stats.Probes);
        writer.VarInt(stats.PendingWrites);
        writer.VarInt(stats.RecoveredSessions);
        writer.VarInt(stats.UnreadableRows);
        writer.VarInt(stats.RecoveryDuration.Ticks);
        writer.String(stats.LastFailure);
    }

    private static SessionStoreStats ReadStoreStats(WireReader reader) =>
        new(
            reader.Bool(),
            reader.Bool(),
            reader.VarInt(),
            reader.VarInt(),
            reader.VarInt(),
            reader.VarInt(),
            reader.VarInt32(),
            reader.VarInt32(),
            reader.VarInt32(),
            new TimeSpan(reader.VarInt()),
            reader.String());
}
