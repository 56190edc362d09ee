using Akka.Actor;

namespace ActorSessions;

/// <summary>
/// The <see cref="ISessionClient"/> over a container's <see cref="IActorRef"/>. Every call fails with
/// <see cref="TimeoutException"/> after the settings' <see cref="SessionClientSettings.RequestTimeout"/> and
/// honours its token.
/// </summary>
/// <remarks>
/// <para>Concurrent calls are coalesced: while messages are on their way to the container (three at most),
/// the calls that arrive queue up and go out together as one <see cref="SessionBatch"/>, which the
/// container serves in one turn; each call still completes on its own, with its own reply or exception.
/// Calls reach the container in the order they were made. A lone caller waits
/// for nothing: no timer holds a request back to fill a batch. Calls the batch cannot carry (cleanup,
/// time adjustment, statistics) are sent on their own with <c>Ask</c>.</para>
/// <para>A caller's code after its <c>await</c> runs on a thread-pool thread, never on the container's: a
/// batch's replies are handed out one after another on the pool thread that took the reply in, with the rest
/// of the batch on offer to the pool's other threads, so a caller whose code blocks holds up only itself.</para>
/// <para>A call that has had no answer within half its timeout is sent once more when that is safe: reads,
/// touches, version-checked saves, deletes and renewals (a message dropped while a cluster moves its partition
/// to another node is then answered by the new node). Whichever copy answers first with the call's outcome
/// completes it; the timeout stays one <see cref="SessionClientSettings.RequestTimeout"/>. Opens, creates,
/// unchecked saves and deltas are never sent twice: a late second copy could create or overwrite.</para>
/// <para>One client per container is meant to be shared (DI registers a singleton): the more callers
/// share it, the fuller its batches. Dispose it to stop its timer.</para>
/// </remarks>
public sealed class SessionClient : ISessionClient, IDisposable
{
    /// <summary>How many messages the client keeps on their way to the container at once.</summary>
    /// <remarks>
    /// Three, so the container has the next batch in its mailbox while the replies to the last are handed
    /// out and the one after is being filled. With 64 callers on two cores, three and four went 15-25%
    /// faster than two (the container serves a batch faster than its replies are handed out), and six
    /// slower: more places only split the same calls into smaller batches.
    /// </remarks>
    internal const int DefaultMaxInFlight = 3;

    private readonly IActorRef _container;
    private readonly TimeSpan _timeout;
    private readonly RequestCoalescer _coalescer;

    /// <summary>Creates a client for <paramref name="container"/>.</summary>
    /// <param name="container">The container, e.g. from <c>IRequiredActor&lt;SessionContainer&gt;</c>.</param>
    /// <param name="settings">Its request timeout; <see cref="SessionClientSettings.Default"/> when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock the timeouts run on; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="container"/> is not a reference from an actor system.</exception>
    public SessionClient(IActorRef container, SessionClientSettings? settings = null, TimeProvider? timeProvider = null)
        : this(container, settings, timeProvider, DefaultMaxInFlight)
    {
    }

    internal SessionClient(IActorRef container, SessionClientSettings? settings, TimeProvider? timeProvider, int maxInFlight)
    {
        ArgumentNullException.ThrowIfNull(container);
        var provider = ProviderOf(container)
            ?? throw new ArgumentException("The container must be a reference to an actor of a running actor system.", nameof(container));

        _container = container;
        _timeout = (settings ?? SessionClientSettings.Default).RequestTimeout;
        _coalescer = new RequestCoalescer(container, provider, _timeout, timeProvider ?? TimeProvider.System, maxInFlight);
    }

    /// <inheritdoc />
    public Task<SessionOpened> OpenAsync(string? sessionId = null, CancellationToken cancellationToken = default) =>
        AskAsync<SessionOpened>(new OpenSession(sessionId), cancellationToken);

    /// <inheritdoc />
    public Task<SessionSaved> SaveAsync(Session session, bool checkVersion = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return AskAsync<SessionSaved>(new SaveSession(session, checkVersion), cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionFound> GetAsync(string sessionId, CancellationToken cancellationToken = default) =>
        AskAsync<SessionFound>(new GetSession(sessionId), cancellationToken);

    /// <inheritdoc />
    public Task<SessionDeleted> DeleteAsync(string sessionId, CancellationToken cancellationToken = default) =>
        AskAsync<SessionDeleted>(new DeleteSession(sessionId), cancellationToken);

    /// <inheritdoc />
    public Task<SessionRenewed> RenewAsync(string sessionId, CancellationToken cancellationToken = default) =>
        AskAsync<SessionRenewed>(new RenewSessionId(sessionId), cancellationToken);

    /// <inheritdoc />
    public Task<SessionsCleanedUp> CleanupAsync(CancellationToken cancellationToken = default) =>
        AskAsync<SessionsCleanedUp>(CleanupSessions.Instance, cancellationToken);

    /// <inheritdoc />
    public Task<TimeAdjusted> AdjustTimeAsync(TimeSpan delta, CancellationToken cancellationToken = default) =>
        AskAsync<TimeAdjusted>(new AdjustTime(delta), cancellationToken);

    /// <inheritdoc />
    public Task<SessionStats> GetStatsAsync(CancellationToken cancellationToken = default) =>
        AskAsync<SessionStats>(GetSessionStats.Instance, cancellationToken);

    /// <summary>Messages sent to the container so far and the calls they carried; for measurements.</summary>
    internal (long Messages, long Calls) Sent => _coalescer.Sent;

    /// <summary>Calls sent a second time because no answer came within half the timeout (<see cref="RequestRetry"/>); for measurements and specs.</summary>
    internal long Resent => _coalescer.Resent;

    /// <summary>Fails every call still waiting with <see cref="ObjectDisposedException"/> and stops the timeout timer.</summary>
    public void Dispose() => _coalescer.Dispose();

    /// <summary>
    /// Sends <paramref name="request"/>: coalesced with concurrent calls when a <see cref="SessionBatch"/>
    /// can carry it, else on its own. A <see cref="Status.Failure"/> answer faults the call with the
    /// container's exception; an answer other than <typeparamref name="T"/> with <see cref="Unexpected"/>.
    /// </summary>
    private Task<T> AskAsync<T>(object request, CancellationToken cancellationToken) =>
        request is ISessionRequest aboutOneSession
            ? _coalescer.Call<T>(aboutOneSession, cancellationToken)
            : AskAloneAsync<T>(request, cancellationToken);

    private async Task<T> AskAloneAsync<T>(object request, CancellationToken cancellationToken)
    {
        object reply;
        try
        {
            reply = await _container.Ask<object>(request, _timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw new TimeoutException($"The session container did not answer {request.GetType().Name} within {_timeout}.", e);
        }

        return reply is T typed ? typed : throw Unexpected(reply);
    }

    private static IActorRefProvider? ProviderOf(IActorRef container)
    {
        try
        {
            return (container as IInternalActorRef)?.Provider;
        }
        catch (NotSupportedException)
        {
            // ActorRefs.Nobody and the like have no provider: there is nothing to send to.
            return null;
        }
    }

    /// <summary>
    /// The exception for an answer that is not the call's result: a missing session and a version
    /// conflict have their own types, so callers catch them rather than inspect a reply.
    /// </summary>
    internal static Exception Unexpected(object reply) => reply switch
    {
        SessionNotFound notFound => new SessionNotFoundException(notFound.SessionId) { Retired = notFound.Retired },
        SessionVersionConflict conflict => new SessionVersionConflictException(conflict),
        _ => new InvalidOperationException($"The session container answered with an unexpected {reply.GetType().Name}."),
    };

    /// <inheritdoc />
    public Task<SessionSaved> UpdateAsync(UpdateSession update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return AskAsync<SessionSaved>(update, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SessionFound> TouchAsync(string sessionId, CancellationToken cancellationToken = default) =>
        AskAsync<SessionFound>(new TouchSession(sessionId), cancellationToken);

    /// <inheritdoc />
    public Task<SessionOpened> CreateAsync(CreateSession create, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(create);
        return AskAsync<SessionOpened>(create, cancellationToken);
    }
}
