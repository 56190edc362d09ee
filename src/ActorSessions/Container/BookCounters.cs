namespace ActorSessions;

/// <summary>What a <see cref="SessionBook"/> has seen happen, counted once per committed event.</summary>
internal sealed class BookCounters
{
    public long Created { get; private set; }

    public long Expired { get; private set; }

    public long Deleted { get; private set; }

    public long Evicted { get; private set; }

    public long Renewed { get; private set; }

    /// <summary>Counts <paramref name="event"/>; a renewal's <see cref="SessionCreated"/> counts as the renewal its <see cref="SessionEnded"/> counted.</summary>
    public void Count(ISessionMessage @event)
    {
        switch (@event)
        {
            case SessionCreated { PreviousId: null }:
                Created++;
                break;
            case SessionEnded { Reason: SessionEndReason.Expired }:
                Expired++;
                break;
            case SessionEnded { Reason: SessionEndReason.Deleted }:
                Deleted++;
                break;
            case SessionEnded { Reason: SessionEndReason.Evicted }:
                Evicted++;
                break;
            case SessionEnded { Reason: SessionEndReason.Renewed }:
                Renewed++;
                break;
        }
    }
}
