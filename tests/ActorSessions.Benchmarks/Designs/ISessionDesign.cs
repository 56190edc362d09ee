namespace ActorSessions.Benchmarks.Designs;

/// <summary>One way of keeping server-side sessions, driven by the same workloads as the others.</summary>
internal interface ISessionDesign : IAsyncDisposable
{
    /// <summary>The row label in the report.</summary>
    string Name { get; }

    /// <summary>Creates <paramref name="count"/> sessions that each hold the key <c>user</c>, and returns their ids.</summary>
    Task<string[]> PopulateAsync(int count);

    /// <summary>Opens an existing session: what every request with a session cookie starts with.</summary>
    ValueTask OpenAsync(string id);

    /// <summary>A web request: open the session, read a key, write a key, commit.</summary>
    ValueTask WebRequestAsync(string id, byte[] value);

    /// <summary>A first visit: a new session is created.</summary>
    ValueTask NewSessionAsync();
}
