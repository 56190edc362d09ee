namespace ActorSessions;

// Limits the book holds itself, as the one writer: per session (keys, bytes) and over the whole table
// (max-sessions, max-memory). Every check runs before anything changes, so a refused write leaves all as it was.
internal sealed partial class SessionBook
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

    /// <summary>
    /// The refusal for a session that would hold <paramref name="data"/> (<paramref name="bytes"/> of it)
    /// where it held <paramref name="before"/> (<paramref name="bytesBefore"/>), or <see langword="null"/>.
    /// A write that does not grow the session past a limit is taken, so one held over a lowered limit can shrink.
    /// </summary>
    private SessionTooLargeException? OverLimit(SessionData data, long bytes, SessionData before, long bytesBefore)
    {
        if (data.Count > _settings.MaxKeysPerSession && data.Count > before.Count)
        {
            return new SessionTooLargeException(MaxKeysLimit, _settings.MaxKeysPerSession, data.Count);
        }

        if (bytes > _settings.MaxSessionBytes && bytes > bytesBefore)
        {
            return new SessionTooLargeException(MaxSessionBytesLimit, _settings.MaxSessionBytes, bytes);
        }

        // Evicting every other session would still not make room.
        var memory = SessionSize.Memory(bytes, data.Count);
        if (memory > MaxMemory && memory > SessionSize.Memory(bytesBefore, before.Count))
        {
            return new SessionTooLargeException(MaxMemoryLimit, MaxMemory, memory);
        }

        return null;
    }

    /// <summary>
    /// Frees room for <paramref name="sessions"/> more sessions and <paramref name="memory"/> more bytes as
    /// <c>max-memory</c> counts them: expired sessions first, then the next victim of eviction, never the
    /// session in <paramref name="except"/>. Called once the write is known to fit, so it stops at the
    /// latest when only that session is left.
    /// </summary>
    private void MakeRoom(in BookTurn turn, int sessions, long memory, int except = SessionTable.None)
    {
        while (_table.Count + sessions > _settings.MaxSessions || MemoryHeld + memory > MaxMemory)
        {
            var expired = NextExpired(turn.Now);
            if (expired != SessionTable.None && expired != except)
            {
                End(expired, SessionEndReason.Expired, turn);
                continue;
            }

            var victim = _table.NextVictim(except);
            if (victim == SessionTable.None)
            {
                return;
            }

            End(victim, SessionEndReason.Evicted, turn);
        }
    }

    /// <summary>After recovery: the store may hold more than the limits allow now (they were lowered); evicted as a write would.</summary>
    public void EvictOverLimits(in BookTurn turn)
    {
        while (_table.Count > _settings.MaxSessions || MemoryHeld > MaxMemory)
        {
            End(_table.NextVictim(), SessionEndReason.Evicted, turn);
        }
    }
}
