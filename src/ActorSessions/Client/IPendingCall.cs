namespace ActorSessions;

/// <summary>One <see cref="SessionClient"/> call waiting for its reply, whatever the reply's type.</summary>
internal interface IPendingCall
{
    /// <summary>The request to send the container.</summary>
    ISessionRequest Request { get; }

    /// <summary>When the call times out, counted in ticks of the client's timeout timer.</summary>
    long Deadline { get; }

    /// <summary>
    /// For a write, when the caller stops waiting, as a <see cref="System.Diagnostics.Stopwatch"/> timestamp,
    /// sent along so the container can refuse what it cannot answer in time; 0 for a read.
    /// </summary>
    long AnswerBy { get; }

    /// <summary>Whether the call has its outcome: a reply, a failure, a timeout or a cancellation.</summary>
    bool IsDone { get; }

    /// <summary>
    /// Records that the request is sent a second time, unless the call has an outcome or was resent already:
    /// from then on only a conclusive answer, or the second answer, completes it (<see cref="RequestRetry"/>).
    /// </summary>
    bool TryMarkResent();

    /// <summary>
    /// Completes the call with the container's reply to its request, unless it is done already. The caller's
    /// code runs on this thread before this returns: only a <see cref="ReplyHandOut"/> calls it.
    /// </summary>
    void Complete(object reply);

    /// <summary>Fails the call, unless it is done already; its caller's code runs later, on the thread pool.</summary>
    void Fail(Exception error);
}
