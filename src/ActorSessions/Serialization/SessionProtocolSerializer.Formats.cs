namespace ActorSessions;

public sealed partial class SessionProtocolSerializer
{
    /// <summary>
    /// Every message of the protocol: its manifest (fixed once shipped; a new format is a new manifest, the
    /// old one kept readable), and how it is written and read. A message added to the protocol gets one
    /// line here; a spec fails for any <see cref="ISessionMessage"/> that has none.
    /// </summary>
    private static Format[] CreateFormats() =>
    [
        // Requests about one session.
        Of<OpenSession>("open.1", static (_, w, m) => w.String(m.SessionId), static (_, r) => new OpenSession(r.String())),
        Of<GetSession>("get.1", static (_, w, m) => w.String(m.SessionId), static (_, r) => new GetSession(r.String()!)),
        Of<SaveSession>("save.1", static (_, w, m) => { WriteSession(w, m.Session); w.Bool(m.CheckVersion); }, static (_, r) => new SaveSession(ReadSession(r)!, r.Bool())),
        Of<UpdateSession>("update.1", static (_, w, m) => WriteUpdate(w, m), static (_, r) => ReadUpdate(r)),
        Of<TouchSession>("touch.1", static (_, w, m) => w.String(m.SessionId), static (_, r) => new TouchSession(r.String()!)),

        // The layout of update.1 with an empty id: the delta is applied to the new session.
        Of<CreateSession>("create.1", static (_, w, m) => WriteUpdate(w, new UpdateSession(string.Empty, m.Set, m.Remove, m.Clear)), static (_, r) => ReadUpdate(r) is var u ? new CreateSession(u.Set, u.Remove, u.Clear) : null!),
        Of<DeleteSession>("delete.1", static (_, w, m) => w.String(m.SessionId), static (_, r) => new DeleteSession(r.String()!)),
        Of<RenewSessionId>("renew.1", static (_, w, m) => w.String(m.SessionId), static (_, r) => new RenewSessionId(r.String()!)),
        Of<SessionBatch>("batch.1", static (s, w, m) => s.WriteBatch(w, m), static (s, r) => s.ReadBatch(r)),

        // Requests about the whole container.
        Of<CleanupSessions>("cleanup.1", static (_, _, _) => { }, static (_, _) => CleanupSessions.Instance),
        Of<AdjustTime>("adjust-time.1", static (_, w, m) => w.VarInt(m.Delta.Ticks), static (_, r) => new AdjustTime(new TimeSpan(r.VarInt()))),
        Of<GetSessionStats>("get-stats.1", static (_, _, _) => { }, static (_, _) => GetSessionStats.Instance),
        Of<GetPartitionStats>("get-part-stats.1", static (_, _, _) => { }, static (_, _) => GetPartitionStats.Instance),
        Of<GetSessionStoreStats>("get-store-stats.1", static (_, _, _) => { }, static (_, _) => GetSessionStoreStats.Instance),
        Of<FlushSessionStore>("flush-store.1", static (_, _, _) => { }, static (_, _) => FlushSessionStore.Instance),

        // A message for one partition, as the cluster front sends it through the shard region.
        Of<PartitionEnvelope>("partition.1", static (s, w, m) => { w.VarInt(m.Partition); s.WriteNested(w, m.Message); }, static (s, r) => new PartitionEnvelope(r.VarInt32(), (ISessionMessage)s.ReadNested(r)!)),

        // Replies.
        Of<SessionOpened>("opened.1", static (_, w, m) => { WriteSession(w, m.Session); w.Bool(m.IsNew); }, static (_, r) => new SessionOpened(ReadSession(r)!, r.Bool())),
        Of<SessionFound>("found.1", static (_, w, m) => WriteSession(w, m.Session), static (_, r) => new SessionFound(ReadSession(r)!)),
        Of<SessionNotFound>("not-found.1", static (_, w, m) => { w.String(m.SessionId); w.Bool(m.Retired); }, static (_, r) => new SessionNotFound(r.String()!) { Retired = r.Bool() }),
        Of<SessionSaved>("saved.1", static (_, w, m) => WriteSession(w, m.Session), static (_, r) => new SessionSaved(ReadSession(r)!)),
        Of<SessionVersionConflict>("version-conflict.1", static (_, w, m) => { WriteSession(w, m.Current); w.VarInt(m.AttemptedVersion); }, static (_, r) => new SessionVersionConflict(ReadSession(r)!, r.VarInt())),
        Of<SessionDeleted>("deleted.1", static (_, w, m) => { w.String(m.SessionId); w.Bool(m.Existed); }, static (_, r) => new SessionDeleted(r.String()!, r.Bool())),
        Of<SessionRenewed>("renewed.1", static (_, w, m) => { WriteSession(w, m.Session); w.String(m.PreviousId); }, static (_, r) => new SessionRenewed(ReadSession(r)!, r.String()!)),
        Of<SessionBatchHandled>("batch-handled.1", static (s, w, m) => s.WriteReplies(w, m), static (s, r) => s.ReadReplies(r)),
        Of<SessionsCleanedUp>("cleaned-up.1", static (_, w, m) => { w.VarInt(m.Removed); w.VarInt(m.Remaining); }, static (_, r) => new SessionsCleanedUp(r.VarInt32(), r.VarInt32())),
        Of<TimeAdjusted>("time-adjusted.1", static (_, w, m) => w.VarInt(m.Sessions), static (_, r) => new TimeAdjusted(r.VarInt32())),
        Of<SessionStats>("stats.1", static (_, w, m) => WriteStats(w, m), static (_, r) => ReadStats(r)),
        Of<PartitionStatsReport>("part-stats.1", static (_, w, m) => WritePartitionStats(w, m), static (_, r) => ReadPartitionStats(r)),
        Of<SessionStoreStats>("store-stats.1", static (_, w, m) => WriteStoreStats(w, m), static (_, r) => ReadStoreStats(r)),
        Of<SessionStoreFlushed>("store-flushed.1", static (_, _, _) => { }, static (_, _) => SessionStoreFlushed.Instance),

        // Events.
        Of<SessionCreated>("created.1", static (_, w, m) => { w.String(m.SessionId); WriteTime(w, m.CreatedAt); w.String(m.PreviousId); }, static (_, r) => new SessionCreated(r.String()!, ReadTime(r), r.String())),
        Of<SessionEnded>("ended.1", static (_, w, m) => { w.String(m.SessionId); w.VarInt((int)m.Reason); }, static (_, r) => new SessionEnded(r.String()!, (SessionEndReason)r.VarInt32())),
    ];

    private static Format Of<T>(
        string manifest,
        Action<SessionProtocolSerializer, WireWriter, T> write,
        Func<SessionProtocolSerializer, WireReader, T> read)
        where T : class, ISessionMessage =>
        new(manifest, typeof(T), (s, w, m) => write(s, w, (T)m), (s, r) => read(s, r));
}
