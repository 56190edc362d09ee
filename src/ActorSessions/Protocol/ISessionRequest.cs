namespace ActorSessions;

/// <summary>
/// A request about one session: it names the session (or asks for a new one) and is answered about that
/// session alone. These are the requests a <see cref="SessionBatch"/> can carry; requests about the whole
/// container (<see cref="CleanupSessions"/>, <see cref="AdjustTime"/>, <see cref="GetSessionStats"/>) are not.
/// </summary>
public interface ISessionRequest : ISessionMessage;
