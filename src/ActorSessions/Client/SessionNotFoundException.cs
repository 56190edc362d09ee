using System.Runtime.Serialization;

namespace ActorSessions;

/// <summary>Thrown by <see cref="ISessionClient"/> when the container does not hold the session a call named.</summary>
/// <remarks>The message leaves the id out on purpose: ids are bearer secrets and messages end up in logs.</remarks>
public sealed class SessionNotFoundException : Exception
{
    /// <summary>Creates the exception for <paramref name="sessionId"/>.</summary>
    public SessionNotFoundException(string sessionId)
        : base("The session container does not hold that session: it never existed, expired, or was deleted or renewed.")
    {
        SessionId = sessionId;
    }

    // Akka.Remote sends an exception (the cause of a Status.Failure, and its inner exceptions) as the
    // fields GetObjectData writes, and rebuilds it on the other node through this constructor, found by
    // reflection (ExceptionSupport); without it the cause arrives as null. Both members are the legacy
    // serialization pattern .NET 8 marks obsolete (SYSLIB0051), but they are what Akka 1.5 calls, so
    // they stay, private where they can be, for that use only.
#pragma warning disable SYSLIB0051
    private SessionNotFoundException(SerializationInfo info, StreamingContext context)
        : base(info, context)
    {
        SessionId = info.GetString(nameof(SessionId)) ?? string.Empty;
        Retired = info.GetBoolean(nameof(Retired));
    }

    /// <inheritdoc />
    [Obsolete("The legacy serialization of exceptions; ActorSessions keeps it for Akka.Remote, which sends exceptions this way.", DiagnosticId = "SYSLIB0051")]
    public override void GetObjectData(SerializationInfo info, StreamingContext context)
    {
        base.GetObjectData(info, context);
        info.AddValue(nameof(SessionId), SessionId);
        info.AddValue(nameof(Retired), Retired);
    }
#pragma warning restore SYSLIB0051

    /// <summary>The id the call named.</summary>
    public string SessionId { get; }

    /// <summary>Whether the id was retired a moment ago by a logout or a renewal; see <see cref="SessionNotFound.Retired"/>.</summary>
    public bool Retired { get; init; }
}
