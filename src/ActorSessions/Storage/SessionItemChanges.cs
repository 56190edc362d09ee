using System.Collections.Immutable;

namespace ActorSessions.Storage;

/// <summary>
/// What one commit changes in the keys of a session whose row the store already holds: the keys set (with
/// their values) and the keys removed. Every key the session holds that is named in neither stays as the
/// store has it. Carried by <see cref="SessionWrite.Items"/>, sent only to a store whose
/// <see cref="ISessionStore.AcceptsItemChanges"/> is <see langword="true"/>.
/// </summary>
/// <param name="Set">The keys to store, with their values; a key the store holds gets the new value.</param>
/// <param name="Removed">The keys to remove; never one of <paramref name="Set"/>. A key the store lacks is ignored.</param>
public sealed record SessionItemChanges(SessionData Set, ImmutableArray<string> Removed)
{
    /// <summary>No key changes: a write of the session's stamps only (a touch).</summary>
    public static SessionItemChanges None { get; } = new(SessionData.Empty, ImmutableArray<string>.Empty);

    /// <summary><see langword="true"/> when no key changes, so only the stamps are written.</summary>
    public bool IsStampsOnly => Set.IsEmpty && Removed.IsDefaultOrEmpty;
}
