namespace ActorSessions.Benchmarks.Seed;

/// <summary>
/// The seed's <c>SessionContainer</c> (Aquarium), ported as it is: one global lock around one
/// dictionary of sessions. <c>open</c> returns the shared session or creates one under a fresh id;
/// <c>cleanup</c> walks every session under the lock and unlinks the expired ones.
/// </summary>
/// <remarks>
/// Ids come from the same generator as the actor's, so a comparison measures the design and not the
/// random-number source. <see cref="Save"/> is not in the seed (its in-memory sessions are written in
/// place); it stands for the "write back" a request ends with, so every design does the same work.
/// </remarks>
internal sealed class SeedSessionContainer(TimeSpan timeout, TimeProvider time)
{
    public const int SidLength = 20;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, SeedSession> _sessions = new(StringComparer.Ordinal);
    private readonly SessionIdGenerator _ids = new(SidLength);
    private readonly long _timeout = (long)(timeout.TotalSeconds * time.TimestampFrequency);

    /// <summary>Set while <see cref="Cleanup"/> holds the lock: the cleanup-stall measurement waits for it.</summary>
    public volatile bool CleanupHoldsLock;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>The seed's <c>open(sid=None)</c>: an unknown or expired sid gets a new session under a new sid.</summary>
    public SeedSession Open(string? sid = null)
    {
        lock (_lock)
        {
            if (sid is not null && Exists(sid))
            {
                var session = _sessions[sid];
                session.LastModified = time.GetTimestamp();
                return session;
            }

            sid = CreateSid();
            var created = CreateSession(sid);
            _sessions[sid] = created;
            return created;
        }
    }

    /// <summary>The write-back at the end of a request: last writer wins.</summary>
    public void Save(SeedSession session)
    {
        lock (_lock)
        {
            _sessions[session.Id] = session;
            session.LastModified = time.GetTimestamp();
        }
    }

    /// <summary>The seed's <c>cleanup()</c>: every expired session goes, found by walking them all under the lock.</summary>
    public int Cleanup()
    {
        lock (_lock)
        {
            CleanupHoldsLock = true;
            var expired = new List<string>();
            foreach (var sid in _sessions.Keys)
            {
                if (IsExpired(sid))
                {
                    expired.Add(sid);
                }
            }

            foreach (var sid in expired)
            {
                Unlink(sid);
            }

            CleanupHoldsLock = false;
            return expired.Count;
        }
    }

    private bool Exists(string sid) => _sessions.ContainsKey(sid) && !IsExpired(sid);

    private bool IsExpired(string sid) => time.GetTimestamp() - _sessions[sid].LastModified >= _timeout;

    private void Unlink(string sid) => _sessions.Remove(sid);

    private string CreateSid() => _ids.Next();

    private SeedSession CreateSession(string sid) => new(sid, time.GetTimestamp());
}
