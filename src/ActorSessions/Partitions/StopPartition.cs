namespace ActorSessions;

/// <summary>
/// The shard region's hand-off stop message for a partition's container: it stops once every write it
/// holds has its verdict from the store and that verdict was answered, instead of at once (as a
/// <c>PoisonPill</c> would), which would leave callers of writes in flight without an answer.
/// </summary>
internal sealed class StopPartition
{
    public static readonly StopPartition Instance = new();

    private StopPartition()
    {
    }
}
