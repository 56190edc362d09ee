using Akka.Actor;

namespace ActorSessions;

// Delta saves (UpdateSession): only the keys a request changed are written, so concurrent requests that
// change different keys of one session do not overwrite each other, as a whole-session save would.
public sealed partial class SessionContainer
{
    private object Handle(UpdateSession update)
    {
        if (Invalid(update.SessionId, nameof(UpdateSession)) is { } badId)
        {
            return Refused(badId);
        }

        if (InvalidDelta(update) is { } badDelta)
        {
            return Refused(badDelta);
        }

        var now = Now();
        var slot = FindLive(update.SessionId, now);
        if (slot == SessionTable.None)
        {
            return NotFound(update.SessionId);
        }

        ref var entry = ref _table[slot];
        if (!update.IsTouchOnly)
        {
            // The session as it would be, built aside: a delta over the limits is refused before anything changes.
            var data = update.Clear ? SessionData.Empty : entry.Data;
            if (!update.Remove.IsDefaultOrEmpty)
            {
                data = data.RemoveRange(update.Remove);
            }

            data = data.SetItems(update.Set);
            var bytes = SessionSize.Of(data);
            var bytesBefore = SessionSize.Of(entry.Data);
            if (OverLimit(data, bytes, entry.Data, bytesBefore) is { } tooLarge)
            {
                return tooLarge;
            }

            // A change is a write like SaveSession: refused while the store is down, answered once committed.
            if (StoreRefusal() is { } refusal)
            {
                return refusal;
            }

            BeforeWrite(update.SessionId, slot);
            MakeRoom(now, sessions: 0, SessionSize.Memory(bytes, data.Count) - SessionSize.Memory(bytesBefore, entry.Data.Count), except: slot);
            _table.SetData(slot, data, bytes, bytesBefore);
            entry.Version++;
        }

        // A touch-only update is how a later web request loads the session: its holder came back.
        _table.Touch(slot, now, WallTicks(), cameBack: update.IsTouchOnly);
        if (update.IsTouchOnly)
        {
            // Like an OpenSession touch: written behind, never waited for.
            Touched(slot);
        }

        return new SessionSaved(Snapshot(slot));
    }

    private static ArgumentException? InvalidDelta(UpdateSession update)
    {
        if (!update.Remove.IsDefaultOrEmpty)
        {
            foreach (var key in update.Remove)
            {
                if (key is null)
                {
                    return new ArgumentException("UpdateSession.Remove holds a null key.", nameof(UpdateSession.Remove));
                }
            }
        }

        return null;
    }
}
