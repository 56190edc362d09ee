namespace ActorSessions.Benchmarks.Seed;

/// <summary>
/// The seed's session: a mutable dictionary with a last-modified stamp, handed out by reference and
/// shared by every request that opens it (the last writer wins).
/// </summary>
internal sealed class SeedSession(string id, long lastModified)
{
    public string Id { get; } = id;

    /// <summary>Monotonic timestamp of the last open or save.</summary>
    public long LastModified { get; set; } = lastModified;

    /// <summary>
    /// The data. Python's GIL made each dict read and write atomic; a CLR <see cref="Dictionary{TKey, TValue}"/>
    /// needs its own monitor for that, so readers and writers lock this session (see <see cref="Read"/>).
    /// </summary>
    public Dictionary<string, byte[]> Data { get; } = [];

    public byte[]? Read(string key)
    {
        lock (Data)
        {
            return Data.GetValueOrDefault(key);
        }
    }

    public void Write(string key, byte[] value)
    {
        lock (Data)
        {
            Data[key] = value;
        }
    }
}
