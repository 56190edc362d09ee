namespace ActorSessions;

/// <summary>
/// One part's answers to a <see cref="SessionBatch"/> that asked for them in parts
/// (<see cref="SessionBatch.AnswerInParts"/>): <see cref="Replies"/>[i] answers the batch's request
/// <see cref="Slots"/>[i]. Every part of the batch is answered once, in no particular order; a part lost on
/// its way to its partition is never answered. Made by <see cref="BatchJoin"/> on the sender's node, so it
/// never crosses the wire.
/// </summary>
/// <param name="Slots">The positions in the batch of the requests this part carried.</param>
/// <param name="Replies">Their answers, in the same order.</param>
internal sealed record SessionBatchPartHandled(int[] Slots, IReadOnlyList<object> Replies);
