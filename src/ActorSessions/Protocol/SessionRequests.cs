namespace ActorSessions;

/// <summary>What the container and the routers need to know of a request about one session.</summary>
internal static class SessionRequests
{
    /// <summary>The id a request is about, or <see langword="null"/> for one that asks for a new session (or lacks one, which is refused alike wherever it goes).</summary>
    public static string? IdOf(ISessionRequest? request) => request switch
    {
        OpenSession open => open.SessionId,
        TouchSession touch => touch.SessionId,
        GetSession get => get.SessionId,
        SaveSession save => save.Session?.Id,
        UpdateSession update => update.SessionId,
        DeleteSession delete => delete.SessionId,
        RenewSessionId renew => renew.SessionId,
        _ => null,
    };
}
