namespace ActorSessions;

/// <summary>The answer to <see cref="AdjustTime"/>.</summary>
/// <param name="Sessions">How many sessions had their stamps shifted.</param>
public sealed record TimeAdjusted(int Sessions) : ISessionMessage;
