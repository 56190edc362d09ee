namespace ActorSessions.Server.Sessions;

/// <summary>What <c>GET /api/session</c> returns and the page shows. The session id is never part of it: it lives only in the HttpOnly cookie.</summary>
/// <param name="IsNew">The session was created by this request.</param>
/// <param name="Visits">Visits counted in this session, this one included.</param>
/// <param name="CreatedAt">When the session was created.</param>
/// <param name="LastModified">When the session was last opened or saved.</param>
/// <param name="Data">The visitor's keys and values.</param>
internal sealed record SessionSnapshot(
    bool IsNew,
    long Visits,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastModified,
    IReadOnlyDictionary<string, string> Data);
