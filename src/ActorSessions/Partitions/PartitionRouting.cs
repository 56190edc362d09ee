namespace ActorSessions;

/// <summary>
/// Which partition a request goes to, for whatever stands in front of the partitions (the local router,
/// the cluster's front): a request about one session to its id's partition, one that asks for a new
/// session to the next partition in turn; and a batch split into one part per partition.
/// </summary>
internal sealed class PartitionRouting(int partitions)
{
    private int _next;

    public int Count => partitions;

    public int PartitionOf(ISessionRequest request) => SessionRequests.IdOf(request) is { } id
        ? SessionPartitioner.PartitionOf(id, partitions)
        : NextPartition();

    /// <summary>
    /// The parts of <paramref name="requests"/> (a batch's, checked by the caller), one per partition it
    /// touches, each with the slots of the batch its answers belong in, for a <see cref="BatchJoin"/>.
    /// </summary>
    public List<(int Partition, SessionBatch Part, int[] Slots)> Split(SessionBatch batch, IReadOnlyList<ISessionRequest> requests)
    {
        var slots = new List<int>?[partitions];
        for (var i = 0; i < requests.Count; i++)
        {
            (slots[PartitionOf(requests[i])] ??= []).Add(i);
        }

        var parts = new List<(int, SessionBatch, int[])>();
        for (var p = 0; p < slots.Length; p++)
        {
            if (slots[p] is not { } mine)
            {
                continue;
            }

            var part = new ISessionRequest[mine.Count];
            for (var i = 0; i < part.Length; i++)
            {
                part[i] = requests[mine[i]];
            }

            parts.Add((p, new SessionBatch(part) { AnswerBy = batch.AnswerBy }, [.. mine]));
        }

        return parts;
    }

    private int NextPartition()
    {
        var p = _next;
        _next = p + 1 == partitions ? 0 : p + 1;
        return p;
    }
}
