namespace ActorSessions;

/// <summary>
/// Which requests <see cref="SessionClient"/> sends a second time when no answer came within half the request
/// timeout (a message dropped while its partition moved between nodes), and which answers of two copies may
/// complete the call. A copy may have been dropped, or merely be slow and still arrive, before or after the
/// other, even behind the caller's next request (across a hand-off the two copies take different routes). So a
/// request is resent only if its second copy, wherever it lands, leaves the sessions as one copy would and can
/// never make the caller hear a wrong answer.
/// </summary>
/// <remarks>
/// <para>Resent:</para>
/// <list type="bullet">
/// <item><see cref="GetSession"/>, <see cref="TouchSession"/>, and an <see cref="UpdateSession"/> that only
/// touches: they change no data, and a touch twice is a touch. Every answer is conclusive.</item>
/// <item><see cref="SaveSession"/> with <see cref="SaveSession.CheckVersion"/>: a copy writes only on the version it
/// read, and a write raises the version (kept by the store, so on a partition's new node too), so at most one copy
/// writes. <see cref="SessionSaved"/> is conclusive; a conflict, a missing session or a failure may be the other
/// copy's write showing, so it completes the call only once both copies have answered (neither wrote).</item>
/// <item><see cref="DeleteSession"/>: an id once ended is never issued again, so a second copy can end nothing
/// else. <c>Existed = true</c> is conclusive; <c>false</c> only once both copies say so.</item>
/// <item><see cref="RenewSessionId"/>: the old id is retired by the first renewal, so a second copy finds nothing to
/// renew. <see cref="SessionRenewed"/> is conclusive; anything else only from both copies.</item>
/// </list>
/// <para>Not resent: <see cref="OpenSession"/> and <see cref="CreateSession"/> (a copy that finds no session
/// creates one, and a late copy would make a second session nobody holds, with its own event);
/// <see cref="SaveSession"/> without the version check and an <see cref="UpdateSession"/> that changes keys
/// (a late copy would write again over whatever was written since, the caller's own next write included, and
/// raise the version under a concurrent reader). They fail with a timeout, as before, if their message is lost.</para>
/// </remarks>
internal static class RequestRetry
{
    /// <summary>Whether <paramref name="request"/> may be sent a second time.</summary>
    public static bool IsSafe(ISessionRequest request) => request is
        GetSession or TouchSession or UpdateSession { IsTouchOnly: true } or SaveSession { CheckVersion: true } or DeleteSession or RenewSessionId;

    /// <summary>Whether <paramref name="reply"/>, the answer to one copy of <paramref name="request"/>, settles the call whatever became of the other copy.</summary>
    public static bool IsConclusive(ISessionRequest request, object reply) => request switch
    {
        SaveSession => reply is SessionSaved,
        DeleteSession => reply is SessionDeleted { Existed: true },
        RenewSessionId => reply is SessionRenewed,
        _ => true,
    };
}
