using Akka.Actor;

namespace ActorSessions;

/// <summary>
/// The <see cref="ISessionClient"/> over a container's <see cref="IActorRef"/>: each call is an
/// <c>Ask</c> with the settings' <see cref="SessionSettings.RequestTimeout"/>.
/// </summary>
public sealed class SessionClient : ISessionClient
{
    private readonly IActorRef _container;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a client for <paramref name="container"/>.</summary>
    /// <param name="container">The container, e.g. from <c>IRequiredActor&lt;SessionContainer&gt;</c>.</param>
    /// <param name="settings">Supplies the request timeout; <see cref="SessionSettings.Default"/> when <see langword="null"/>.</param>
    public SessionClient(IActorRef container, SessionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
        _timeout = (settings ?? SessionSettings.Default).RequestTimeout;
    }

    /// <inheritdoc />
    public Task<SessionOpened> OpenAsync(string? sessionId = null, CancellationToken cancellationToken = default) =>
        AskAsync<SessionOpened>(new OpenSession(sessionId), cancellationToken);

    /// <inheritdoc />
    public async Task<SessionSaved> SaveAsync(Session session, bool checkVersion = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await AskAsync<object>(new SaveSession(session, checkVersion), cancellationToken).ConfigureAwait(false) switch
        {
            SessionSaved saved => saved,
            SessionVersionConflict conflict => throw new SessionVersionConflictException(conflict),
            var other => throw NotFoundOrUnexpected(other),
        };
    }

    /// <inheritdoc />
    public async Task<SessionFound> GetAsync(string sessionId, CancellationToken cancellationToken = default) =>
        await AskAsync<object>(new GetSession(sessionId), cancellationToken).ConfigureAwait(false) switch
        {
            SessionFound found => found,
            var other => throw NotFoundOrUnexpected(other),
        };

    /// <inheritdoc />
    public Task<SessionDeleted> DeleteAsync(string sessionId, CancellationToken cancellationToken = default) =>
        AskAsync<SessionDeleted>(new DeleteSession(sessionId), cancellationToken);

    /// <inheritdoc />
    public async Task<SessionRenewed> RenewAsync(string sessionId, CancellationToken cancellationToken = default) =>
        await AskAsync<object>(new RenewSessionId(sessionId), cancellationToken).ConfigureAwait(false) switch
        {
            SessionRenewed renewed => renewed,
            var other => throw NotFoundOrUnexpected(other),
        };

    /// <inheritdoc />
    public Task<SessionsCleanedUp> CleanupAsync(CancellationToken cancellationToken = default) =>
        AskAsync<SessionsCleanedUp>(CleanupSessions.Instance, cancellationToken);

    /// <inheritdoc />
    public Task<TimeAdjusted> AdjustTimeAsync(TimeSpan delta, CancellationToken cancellationToken = default) =>
        AskAsync<TimeAdjusted>(new AdjustTime(delta), cancellationToken);

    /// <inheritdoc />
    public Task<SessionStats> GetStatsAsync(CancellationToken cancellationToken = default) =>
        AskAsync<SessionStats>(GetSessionStats.Instance, cancellationToken);

    private async Task<T> AskAsync<T>(object request, CancellationToken cancellationToken)
    {
        object reply;
        try
        {
            // A Status.Failure answer faults the Ask with the container's exception, as it should.
            reply = await _container.Ask<object>(request, _timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw new TimeoutException($"The session container did not answer {request.GetType().Name} within {_timeout}.", e);
        }

        return reply is T typed ? typed : throw NotFoundOrUnexpected(reply);
    }

    private static Exception NotFoundOrUnexpected(object reply) => reply switch
    {
        SessionNotFound notFound => new SessionNotFoundException(notFound.SessionId),
        _ => new InvalidOperationException($"The session container answered with an unexpected {reply.GetType().Name}."),
    };

    /// <inheritdoc />
    public async Task<SessionSaved> UpdateAsync(UpdateSession update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return await AskAsync<object>(update, cancellationToken).ConfigureAwait(false) switch
        {
            SessionSaved saved => saved,
            var other => throw NotFoundOrUnexpected(other),
        };
    }
}
