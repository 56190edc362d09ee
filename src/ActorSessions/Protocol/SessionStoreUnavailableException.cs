using System.Runtime.Serialization;

namespace ActorSessions;

/// <summary>
/// A write could not be made durable: the session store is unreachable, locked, full or failing. The
/// write did not happen (the container's copy is as it was before it), and the container keeps serving
/// reads while it retries the store. Sent as the cause of a <see cref="Akka.Actor.Status.Failure"/>.
/// </summary>
/// <remarks>
/// As with any database, a commit whose outcome the store could not report (the connection dropped while
/// it committed) may have been made durable all the same; a write acknowledged as done never goes missing.
/// </remarks>
public sealed class SessionStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SessionStoreUnavailableException()
        : this("The session store is unavailable; the write was not made.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SessionStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the store's own error.</summary>
    public SessionStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    // Akka.Remote sends an exception (the cause of a Status.Failure, and its inner exceptions) as the
    // fields GetObjectData writes, and rebuilds it on the other node through this constructor, found by
    // reflection (ExceptionSupport); without it the cause arrives as null. It is the legacy
    // serialization pattern .NET 8 marks obsolete (SYSLIB0051), but they are what Akka 1.5 calls, so it
    // stays, private, for that use only.
#pragma warning disable SYSLIB0051
    private SessionStoreUnavailableException(SerializationInfo info, StreamingContext context)
        : base(info, context)
    {
    }
#pragma warning restore SYSLIB0051
}
