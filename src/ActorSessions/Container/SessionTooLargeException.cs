using System.Globalization;
using System.Runtime.Serialization;

namespace ActorSessions;

/// <summary>
/// A write was refused because the session would pass one of the container's limits: more keys than
/// <see cref="SessionSettings.MaxKeysPerSession"/>, more bytes than <see cref="SessionSettings.MaxSessionBytes"/>,
/// or more than the whole <see cref="SessionSettings.MaxMemory"/> on its own. Nothing was changed: the
/// session is as it was (or, for a new session, none was created). Sent as the cause of a
/// <see cref="Akka.Actor.Status.Failure"/>; <see cref="SessionClient"/> throws it.
/// </summary>
/// <remarks>The message names the limit and the figures, never the session id, so it is safe to log or show.</remarks>
public sealed class SessionTooLargeException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SessionTooLargeException()
        : this("The session would pass a limit of the session container; nothing was changed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SessionTooLargeException(string message)
        : base(message)
    {
        Limit = string.Empty;
    }

    /// <summary>Creates the exception with a message and the error behind it.</summary>
    public SessionTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
        Limit = string.Empty;
    }

    /// <summary>Creates the exception for one limit, with a message that states it and the figures.</summary>
    /// <param name="limit">The setting passed: <c>max-keys-per-session</c>, <c>max-session-bytes</c> or <c>max-memory</c>.</param>
    /// <param name="maximum">Its value: keys, or bytes.</param>
    /// <param name="attempted">What the session would have held, in the same unit.</param>
    public SessionTooLargeException(string limit, long maximum, long attempted)
        : base(Describe(limit, maximum, attempted))
    {
        Limit = limit;
        Maximum = maximum;
        Attempted = attempted;
    }

    // Akka.Remote sends an exception (the cause of a Status.Failure, and its inner exceptions) as the
    // fields GetObjectData writes, and rebuilds it on the other node through this constructor, found by
    // reflection (ExceptionSupport); without it the cause arrives as null. Both members are the legacy
    // serialization pattern .NET 8 marks obsolete (SYSLIB0051), but they are what Akka 1.5 calls, so
    // they stay, private where they can be, for that use only.
#pragma warning disable SYSLIB0051
    private SessionTooLargeException(SerializationInfo info, StreamingContext context)
        : base(info, context)
    {
        Limit = info.GetString(nameof(Limit)) ?? string.Empty;
        Maximum = info.GetInt64(nameof(Maximum));
        Attempted = info.GetInt64(nameof(Attempted));
    }

    /// <inheritdoc />
    [Obsolete("The legacy serialization of exceptions; ActorSessions keeps it for Akka.Remote, which sends exceptions this way.", DiagnosticId = "SYSLIB0051")]
    public override void GetObjectData(SerializationInfo info, StreamingContext context)
    {
        base.GetObjectData(info, context);
        info.AddValue(nameof(Limit), Limit);
        info.AddValue(nameof(Maximum), Maximum);
        info.AddValue(nameof(Attempted), Attempted);
    }
#pragma warning restore SYSLIB0051

    /// <summary>The setting the write would have passed (<c>max-keys-per-session</c>, <c>max-session-bytes</c>, <c>max-memory</c>); empty when not known.</summary>
    public string Limit { get; }

    /// <summary>The limit's value: keys for <c>max-keys-per-session</c>, bytes for the others.</summary>
    public long Maximum { get; }

    /// <summary>What the session would have held, in the unit of <see cref="Maximum"/>.</summary>
    public long Attempted { get; }

    private static string Describe(string limit, long maximum, long attempted)
    {
        var max = maximum.ToString("N0", CultureInfo.InvariantCulture);
        var would = attempted.ToString("N0", CultureInfo.InvariantCulture);
        return limit switch
        {
            "max-keys-per-session" => $"The session would hold {would} keys; max-keys-per-session is {max}. Nothing was changed.",
            "max-session-bytes" => $"The session would hold {would} bytes of data (keys at 2 bytes a character, plus values); max-session-bytes is {max}. Nothing was changed.",
            "max-memory" => $"The session would take {would} bytes (its data plus 64 bytes a key and 160 of bookkeeping), more than the container's whole max-memory of {max}. Nothing was changed.",
            _ => $"The session would hold {would} where {limit} is {max}. Nothing was changed.",
        };
    }
}
