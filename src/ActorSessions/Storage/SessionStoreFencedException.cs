using System.Globalization;
using System.Runtime.Serialization;

namespace ActorSessions.Storage;

/// <summary>
/// A commit or a cleanup refused because another writer took the partition (its epoch is higher): the writer
/// that got it holds a stale copy of the partition and must stop writing it. Nothing of it was written.
/// </summary>
/// <remarks>Thrown by <see cref="IFencedSessionStore.CommitAsync"/> and <see cref="IFencedSessionStore.DeleteExpiredAsync"/>. Retrying under the same epoch can never succeed.</remarks>
public sealed class SessionStoreFencedException : Exception
{
    /// <summary>Creates the exception; its message names the partition and both epochs (never a session id).</summary>
    /// <param name="partition">The partition of the refused write.</param>
    /// <param name="heldEpoch">The epoch the refused writer held.</param>
    /// <param name="currentEpoch">The partition's epoch in the store (0 when it was never taken).</param>
    public SessionStoreFencedException(int partition, long heldEpoch, long currentEpoch)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"A write to partition {partition} under epoch {heldEpoch} was refused: the partition's epoch in the store is {currentEpoch}, so another writer holds it. Nothing was written."))
    {
        Partition = partition;
        HeldEpoch = heldEpoch;
        CurrentEpoch = currentEpoch;
    }

    // Akka.Remote sends an exception (the cause of a Status.Failure, and its inner exceptions) as the
    // fields GetObjectData writes, and rebuilds it on the other node through this constructor, found by
    // reflection (ExceptionSupport); without it the cause arrives as null. Both members are the legacy
    // serialization pattern .NET 8 marks obsolete (SYSLIB0051), but they are what Akka 1.5 calls, so
    // they stay, private where they can be, for that use only.
#pragma warning disable SYSLIB0051
    private SessionStoreFencedException(SerializationInfo info, StreamingContext context)
        : base(info, context)
    {
        Partition = info.GetInt32(nameof(Partition));
        HeldEpoch = info.GetInt64(nameof(HeldEpoch));
        CurrentEpoch = info.GetInt64(nameof(CurrentEpoch));
    }

    /// <inheritdoc />
    [Obsolete("The legacy serialization of exceptions; ActorSessions keeps it for Akka.Remote, which sends exceptions this way.", DiagnosticId = "SYSLIB0051")]
    public override void GetObjectData(SerializationInfo info, StreamingContext context)
    {
        base.GetObjectData(info, context);
        info.AddValue(nameof(Partition), Partition);
        info.AddValue(nameof(HeldEpoch), HeldEpoch);
        info.AddValue(nameof(CurrentEpoch), CurrentEpoch);
    }
#pragma warning restore SYSLIB0051

    /// <summary>The partition of the refused write.</summary>
    public int Partition { get; }

    /// <summary>The epoch the refused writer held.</summary>
    public long HeldEpoch { get; }

    /// <summary>The partition's epoch in the store when the commit was refused (0 when it was never taken).</summary>
    public long CurrentEpoch { get; }
}
