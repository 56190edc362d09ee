namespace ActorSessions;

/// <summary>Why a session ended, in <see cref="SessionEnded"/>.</summary>
public enum SessionEndReason
{
    /// <summary>Its idle or absolute timeout passed.</summary>
    Expired,

    /// <summary>It was deleted with <see cref="DeleteSession"/>.</summary>
    Deleted,

    /// <summary>
    /// It was the next in eviction order (on probation and touched longest ago, else protected and touched
    /// longest ago) when a new session or a write needed room under <see cref="SessionSettings.MaxSessions"/>
    /// or <see cref="SessionSettings.MaxMemory"/>.
    /// </summary>
    Evicted,

    /// <summary>Its id was retired by <see cref="RenewSessionId"/>; the data lives on under the new id.</summary>
    Renewed,
}
