using System.Runtime.Serialization;

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

    // Akka.Remote sends an exception (the cause of a Status.Failure, and its inner exceptions) as the
    // fields GetObjectData writes, and rebuilds it on the other node through this constructor, found by
    // reflection (ExceptionSupport); without it the cause arrives as null. Both members are the legacy
    // serialization pattern .NET 8 marks obsolete (SYSLIB0051), but they are what Akka 1.5 calls, so
    // they stay, private where they can be, for that use only.
    // The session travels as the protocol's own SessionVersionConflict, which the session protocol's
    // serializer writes (Akka picks the serializer of each field's value; the default one cannot read a Session).
#pragma warning disable SYSLIB0051
    private SessionVersionConflictException(SerializationInfo info, StreamingContext context)
        : base(info, context)
    {
        var conflict = (SessionVersionConflict)info.GetValue("Conflict", typeof(SessionVersionConflict))!;
        Current = conflict.Current;
        AttemptedVersion = conflict.AttemptedVersion;
    }

    /// <inheritdoc />
    [Obsolete("The legacy serialization of exceptions; ActorSessions keeps it for Akka.Remote, which sends exceptions this way.", DiagnosticId = "SYSLIB0051")]
    public override void GetObjectData(SerializationInfo info, StreamingContext context)
    {
        base.GetObjectData(info, context);
        info.AddValue("Conflict", new SessionVersionConflict(Current, AttemptedVersion));
    }
#pragma warning restore SYSLIB0051

    /// <summary>The session as the container holds it now.</summary>
    public Session Current { get; }

    /// <summary>The version the refused write was based on.</summary>
    public long AttemptedVersion { get; }
}
