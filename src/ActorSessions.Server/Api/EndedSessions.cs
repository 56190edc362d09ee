namespace ActorSessions.Server.Api;

/// <summary>Sessions ended, by reason.</summary>
internal sealed record EndedSessions(long Expired, long Deleted, long Evicted, long Renewed);
