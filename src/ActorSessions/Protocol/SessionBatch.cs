namespace ActorSessions;

/// <summary>
/// Many requests in one message, answered in one turn of the container with one
/// <see cref="SessionBatchHandled"/>. <see cref="SessionClient"/> coalesces concurrent calls into these;
/// an actor that has many requests at hand may send one too.
/// </summary>
/// <remarks>
/// <para>Each request is handled exactly as if it had been sent on its own, in list order; a request that
/// depends on an earlier one in the same batch (open, then save) sees its effect. With a store, the
/// answer comes once the batch's writes are committed; if that commit fails, the requests that wrote are
/// answered in their slots with <see cref="Akka.Actor.Status.Failure"/> carrying a
/// <see cref="SessionStoreUnavailableException"/>, and the reads keep their answers.</para>
/// <para>A request may be <see cref="OpenSession"/>, <see cref="SaveSession"/>, <see cref="UpdateSession"/>, <see cref="GetSession"/>,
/// <see cref="DeleteSession"/> or <see cref="RenewSessionId"/>. Any other entry (a <see langword="null"/>,
/// a cleanup, a nested batch) is answered in its slot with <see cref="Akka.Actor.Status.Failure"/>
/// carrying an <see cref="ArgumentException"/>, and the rest of the batch is served. A batch whose list
/// is <see langword="null"/>, or longer than <see cref="MaxRequests"/>, is refused as a whole.</para>
/// </remarks>
/// <param name="Requests">The requests, answered in this order.</param>
public sealed record SessionBatch(IReadOnlyList<ISessionRequest> Requests) : ISessionMessage
{
    /// <summary>
    /// The most requests one batch may carry: one batch is one actor turn, and a turn that long would
    /// hold up every other sender, as the cleanup's chunks avoid doing.
    /// </summary>
    public const int MaxRequests = 4096;

    /// <summary>
    /// When the sender stops waiting, as a <see cref="System.Diagnostics.Stopwatch"/> timestamp of this
    /// process, or 0 for no limit. A durable container that handles the batch too late to answer it by then
    /// (its commits may take up to twice the store's commit timeout) refuses it whole, changing nothing, so
    /// a caller that gave up was right to report its writes not stored. Set by <see cref="SessionClient"/>.
    /// </summary>
    internal long AnswerBy { get; init; }

    /// <summary>
    /// Whether the sender takes the answers of a batch that the cluster's front splits over partitions part by
    /// part, each as a <see cref="SessionBatchPartHandled"/> the moment its partition answers, rather than one
    /// <see cref="SessionBatchHandled"/> once all have: then a part dropped in a shard hand-off withholds no
    /// other part's answers. Set by <see cref="SessionClient"/>; like <see cref="AnswerBy"/>, not sent over the
    /// wire (the front a client talks to is its own node's).
    /// </summary>
    internal bool AnswerInParts { get; init; }
}
