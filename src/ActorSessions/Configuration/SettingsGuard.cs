namespace ActorSessions;

/// <summary>The range checks the settings records run as each value is set.</summary>
internal static class SettingsGuard
{
    public static TimeSpan Positive(TimeSpan value, string name) =>
        value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be greater than zero.");
}
