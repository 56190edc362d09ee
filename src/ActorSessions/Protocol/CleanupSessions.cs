namespace ActorSessions;

/// <summary>
/// Removes every expired session from memory. The seed's <c>cleanup()</c>; the container also sends it
/// to itself every <see cref="SessionSettings.CleanupInterval"/>. Large cleanups run in chunks of
/// <see cref="SessionSettings.CleanupBatchSize"/> so other requests are served in between.
/// Answered with <see cref="SessionsCleanedUp"/> once the whole cleanup is done.
/// </summary>
public sealed record CleanupSessions : ISessionMessage
{
    /// <summary>The one instance; the message carries no data.</summary>
    public static CleanupSessions Instance { get; } = new();

    private CleanupSessions()
    {
    }
}
