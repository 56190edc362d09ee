using Akka.Actor;

namespace ActorSessions;

// Limits the container holds itself, as the one writer: per session (keys, bytes) and over the whole
// table (max-memory). Every check runs before anything changes, so a refused write leaves all as it was.
public sealed partial class SessionContainer
{
    private const string MaxKeysLimit = "max-keys-per-session";
    private const string MaxSessionBytesLimit = "max-session-bytes";
    private const string MaxMemoryLimit = "max-memory";

    // The share of max-sessions the protected segment may hold; the rest is probation's at least.
    private const int ProtectedPercent = 80;

    private long MaxMemory => _settings.MaxMemory ?? long.MaxValue;

    /// <summary>What <c>max-memory</c> counts now: the data held, and the bookkeeping of every key and session.</summary>
    private long MemoryHeld =>
        _table.DataBytes + (_table.KeyCount * SessionSize.PerKeyOverhead) + (_table.Count * SessionSize.PerSessionOverhead);

    private static SessionTable NewTable(SessionSettings settings, TimeProvider time) =>
        new((int)((long)settings.MaxSessions * ProtectedPercent / 100), ToTimestampTicks(settings.PromoteAfter, time));

    /// <summary>
    /// The refusal for a session that would hold <paramref name="data"/> (<paramref name="bytes"/> of it)
    /// where it held <paramref name="before"/> (<paramref name="bytesBefore"/>), or <see langword="null"/>.
    /// A write that does not grow the session past a limit is taken, so one held over a lowered limit can shrink.
    /// </summary>
    private Status.Failure? OverLimit(SessionData data, long bytes, SessionData before, long bytesBefore)
    {
        if (data.Count > _settings.MaxKeysPerSession && data.Count > before.Count)
        {
            return TooLarge(MaxKeysLimit, _settings.MaxKeysPerSession, data.Count);
        }

        if (bytes > _settings.MaxSessionBytes && bytes > bytesBefore)
        {
            return TooLarge(MaxSessionBytesLimit, _settings.MaxSessionBytes, bytes);
        }

        // Evicting every other session would still not make room.
        var memory = SessionSize.Memory(bytes, data.Count);
        if (memory > MaxMemory && memory > SessionSize.Memory(bytesBefore, before.Count))
        {
            return TooLarge(MaxMemoryLimit, MaxMemory, memory);
        }

        return null;
    }

    private static Status.Failure TooLarge(string limit, long maximum, long attempted) =>
        new(new SessionTooLargeException(limit, maximum, attempted));

    /// <summary>
    /// Frees room for <paramref name="sessions"/> more sessions and <paramref name="memory"/> more bytes as
    /// <c>max-memory</c> counts them: expired sessions first, then the next victim of eviction, never the
    /// session in <paramref name="except"/>. Called once the write is known to fit, so it stops at the
    /// latest when only that session is left.
    /// </summary>
    private void MakeRoom(long now, int sessions, long memory, int except = SessionTable.None)
    {
        while (_table.Count + sessions > _settings.MaxSessions || MemoryHeld + memory > MaxMemory)
        {
            var expired = NextExpired(now);
            if (expired != SessionTable.None && expired != except)
            {
                End(expired, SessionEndReason.Expired);
                continue;
            }

            var victim = _table.NextVictim(except);
            if (victim == SessionTable.None)
            {
                return;
            }

            End(victim, SessionEndReason.Evicted);
        }
    }

    /// <summary>After recovery: the store may hold more than the limits allow now (they were lowered).</summary>
    private void EvictOverLimits()
    {
        while (_table.Count > _settings.MaxSessions || MemoryHeld > MaxMemory)
        {
            End(_table.NextVictim(), SessionEndReason.Evicted);
        }
    }
}
