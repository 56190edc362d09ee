namespace ActorSessions;

/// <summary>
/// A message of the session protocol: every request a container takes, every reply it gives and every
/// event it publishes. The protocol's serializer is bound to it, so the messages cross a process as
/// ActorSessions writes them, never as a general-purpose serializer would guess.
/// </summary>
public interface ISessionMessage;
