namespace ActorSessions;

/// <summary>The answer to <see cref="SessionBatch"/>: one reply per request, in request order.</summary>
/// <param name="Replies">
/// What each request would have been answered with on its own (<see cref="SessionOpened"/>,
/// <see cref="SessionNotFound"/>, ...), or a <see cref="Akka.Actor.Status.Failure"/> for a request the
/// container could not accept.
/// </param>
public sealed record SessionBatchHandled(IReadOnlyList<object> Replies) : ISessionMessage;
