namespace ActorSessions.Server.Api;

/// <summary>A cleanup's duration (milliseconds) and the sessions it removed.</summary>
internal sealed record CleanupStats(double DurationMs, int Removed);
