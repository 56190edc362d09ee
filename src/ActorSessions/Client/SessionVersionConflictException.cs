namespace ActorSessions;

/// <summary>Thrown by <see cref="ISessionClient.SaveAsync"/> with a version check when someone else saved the session first.</summary>
public sealed class SessionVersionConflictException : Exception
{
    /// <summary>Creates the exception from the container's answer.</summary>
    public SessionVersionConflictException(SessionVersionConflict conflict)
        : base($"The session was saved by someone else: it is at version {conflict.Current.Version}, the write was based on {conflict.AttemptedVersion}. Nothing was written.")
    {
        Current = conflict.Current;
        AttemptedVersion = conflict.AttemptedVersion;
    }

    /// <summary>The session as the container holds it now.</summary>
    public Session Current { get; }

    /// <summary>The version the refused write was based on.</summary>
    public long AttemptedVersion { get; }
}
