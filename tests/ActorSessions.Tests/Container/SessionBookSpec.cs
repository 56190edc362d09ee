using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorSessions.Tests.Container;

/// <summary>
/// The session rules as plain code, without an actor system: what each request answers, which writes it
/// records (with the image to undo them) and which events follow their commit or happened at once.
/// </summary>
public sealed class SessionBookSpec
{
    // The book's monotonic clock here counts milliseconds.
    private const long Frequency = 1_000;
    private const long WallStart = 638_999_999_990_000_000;

    private readonly BookChanges _changes = new();
    private long _now = 1_000_000;

    private static SessionSettings Settings(Func<SessionSettings, SessionSettings>? change = null)
    {
        var settings = SessionSettings.Default with { IdleTimeout = TimeSpan.FromMinutes(30) };
        return change is null ? settings : change(settings);
    }

    private static SessionBook NewBook(SessionSettings? settings = null) =>
        new(settings ?? Settings(), Frequency, sessionFactory: null, NullLogger.Instance);

    private BookTurn Turn(bool writable = true) => new(_now, WallStart + (_now * TimeSpan.TicksPerMillisecond), writable, _changes);

    /// <summary>Serves <paramref name="request"/> on a fresh set of changes.</summary>
    private object Handle(SessionBook book, ISessionRequest request, bool writable = true)
    {
        _changes.Clear();
        return book.Handle(request, Turn(writable));
    }

    private Session Create(SessionBook book, string? key = null, string? value = null)
    {
        var set = key is null ? SessionData.Empty : SessionData.Empty.SetItem(key, Bytes(value!));
        var opened = Assert.IsType<SessionOpened>(Handle(book, new CreateSession(set)));
        _changes.Clear();
        return opened.Session;
    }

    private static ImmutableArray<byte> Bytes(string value) => [.. Encoding.UTF8.GetBytes(value)];

    [Fact]
    public void Open_with_an_unknown_id_creates_a_new_session_and_never_adopts_the_id()
    {
        var book = NewBook();
        var unknown = new SessionIdGenerator(Settings().SessionIdLength).Next();

        var opened = Assert.IsType<SessionOpened>(Handle(book, new OpenSession(unknown)));

        Assert.True(opened.IsNew);
        Assert.NotEqual(unknown, opened.Session.Id);
        Assert.False(book.TryGetStored(unknown, out _));
        Assert.Equal([opened.Session.Id], _changes.Writes.Select(w => w.Id));
        Assert.False(_changes.Writes[0].Before.Existed);
        Assert.Equal([new SessionCreated(opened.Session.Id, opened.Session.CreatedAt)], _changes.AfterCommit);
    }

    [Fact]
    public void Open_with_a_held_id_returns_the_session_and_records_a_touch_not_a_write()
    {
        var book = NewBook();
        var session = Create(book, "user", "ada");

        var opened = Assert.IsType<SessionOpened>(Handle(book, new OpenSession(session.Id)));

        Assert.False(opened.IsNew);
        Assert.Equal((session.Id, "ada"), (opened.Session.Id, opened.Session.GetString("user")));
        Assert.Equal([session.Id], _changes.Touched);
        Assert.Empty(_changes.Writes);
        Assert.Empty(_changes.AfterCommit);
        Assert.Equal(1, book.Count);
    }

    [Fact]
    public void Touch_of_a_held_session_finds_it_and_records_a_touch_and_no_write()
    {
        var book = NewBook();
        var session = Create(book, "user", "ada");
        _now += 60_000;

        var found = Assert.IsType<SessionFound>(Handle(book, new TouchSession(session.Id)));

        Assert.Equal("ada", found.Session.GetString("user"));
        Assert.Equal(session.LastModified + TimeSpan.FromMinutes(1), found.Session.LastModified);
        Assert.Equal(session.Version, found.Session.Version);
        Assert.Equal([session.Id], _changes.Touched);
        Assert.False(_changes.Wrote);
    }

    [Fact]
    public void Touch_of_an_unknown_id_is_not_found_and_creates_nothing()
    {
        var book = NewBook();
        var unknown = new SessionIdGenerator(Settings().SessionIdLength).Next();

        var notFound = Assert.IsType<SessionNotFound>(Handle(book, new TouchSession(unknown)));

        Assert.Equal(unknown, notFound.SessionId);
        Assert.Equal(0, book.Count);
        Assert.Empty(_changes.Touched);
        Assert.False(_changes.Wrote);
    }

    [Fact]
    public void Create_with_data_is_one_write_whose_SessionCreated_waits_for_the_commit()
    {
        var book = NewBook();

        var opened = Assert.IsType<SessionOpened>(Handle(book, new CreateSession(SessionData.Empty.SetItem("user", Bytes("ada")))));

        Assert.True(opened.IsNew);
        Assert.Equal(("ada", 1L), (opened.Session.GetString("user"), opened.Session.Version));
        var write = Assert.Single(_changes.Writes);
        Assert.Equal(opened.Session.Id, write.Id);
        Assert.False(write.Before.Existed);
        Assert.Equal([new SessionCreated(opened.Session.Id, opened.Session.CreatedAt)], _changes.AfterCommit);
        Assert.Empty(_changes.Happened);
        Assert.Equal(0, book.Counters.Created); // counted by the owner once committed, not by the book
    }

    [Fact]
    public void A_create_over_the_limits_is_refused_and_changes_nothing()
    {
        var book = NewBook(Settings(s => s with { MaxKeysPerSession = 1 }));
        var held = Create(book, "k", "v");
        var tooMany = SessionData.Empty.SetItem("a", Bytes("1")).SetItem("b", Bytes("2"));

        var refused = Assert.IsType<SessionTooLargeException>(Handle(book, new CreateSession(tooMany)));

        Assert.Contains("max-keys-per-session", refused.Message);
        Assert.Equal(1, book.Count);
        Assert.True(book.TryGetStored(held.Id, out _));
        Assert.False(_changes.Wrote);
        Assert.Empty(_changes.AfterCommit);
    }

    [Fact]
    public void Save_records_a_write_with_the_session_as_it_was_and_no_event()
    {
        var book = NewBook();
        var session = Create(book, "user", "ada");

        var saved = Assert.IsType<SessionSaved>(Handle(book, new SaveSession(session.SetString("user", "grace"))));

        Assert.Equal(("grace", session.Version + 1), (saved.Session.GetString("user"), saved.Session.Version));
        var write = Assert.Single(_changes.Writes);
        Assert.Equal(session.Id, write.Id);
        Assert.True(write.Before.Existed);
        Assert.Equal((session.Data, session.Version), (write.Before.Data, write.Before.Version));
        Assert.Empty(_changes.AfterCommit);
    }

    [Fact]
    public void Update_records_a_write_and_applies_only_its_change()
    {
        var book = NewBook();
        var session = Create(book, "user", "ada");

        var saved = Assert.IsType<SessionSaved>(Handle(book, new UpdateSession(session.Id, SessionData.Empty.SetItem("cart", Bytes("3")))));

        Assert.Equal(("ada", "3"), (saved.Session.GetString("user"), saved.Session.GetString("cart")));
        var write = Assert.Single(_changes.Writes);
        Assert.Equal((session.Id, session.Data), (write.Id, write.Before.Data));
        Assert.Empty(_changes.AfterCommit);
    }

    [Fact]
    public void Delete_records_the_write_and_SessionEnded_Deleted_after_the_commit()
    {
        var book = NewBook();
        var session = Create(book, "user", "ada");

        var deleted = Assert.IsType<SessionDeleted>(Handle(book, new DeleteSession(session.Id)));

        Assert.True(deleted.Existed);
        Assert.Equal(0, book.Count);
        var write = Assert.Single(_changes.Writes);
        Assert.Equal((session.Id, true), (write.Id, write.Before.Existed));
        Assert.Equal([new SessionEnded(session.Id, SessionEndReason.Deleted)], _changes.AfterCommit);
        Assert.Empty(_changes.Happened);
    }

    [Fact]
    public void Renew_records_both_ids_and_ends_the_old_one_and_creates_the_new_one_after_the_commit()
    {
        var book = NewBook();
        var session = Create(book, "user", "ada");

        var renewed = Assert.IsType<SessionRenewed>(Handle(book, new RenewSessionId(session.Id)));

        var newId = renewed.Session.Id;
        Assert.NotEqual(session.Id, newId);
        Assert.Equal("ada", renewed.Session.GetString("user"));
        Assert.Equal([(session.Id, true), (newId, false)], _changes.Writes.Select(w => (w.Id, w.Before.Existed)));
        Assert.Equal(
            [new SessionEnded(session.Id, SessionEndReason.Renewed), new SessionCreated(newId, session.CreatedAt, session.Id)],
            _changes.AfterCommit);
        Assert.False(book.TryGetStored(session.Id, out _));
        Assert.True(book.TryGetStored(newId, out _));
    }

    public static TheoryData<string> Writes() => ["open-new", "create", "save", "update", "delete", "renew"];

    [Theory]
    [MemberData(nameof(Writes))]
    public void A_write_while_writes_are_refused_is_answered_WritesRefused_and_changes_nothing(string kind)
    {
        var book = NewBook();
        var session = Create(book, "user", "ada");
        book.TryGetStored(session.Id, out var before);
        ISessionRequest request = kind switch
        {
            "open-new" => new OpenSession(),
            "create" => new CreateSession(SessionData.Empty.SetItem("k", Bytes("v"))),
            "save" => new SaveSession(session.SetString("user", "grace")),
            "update" => new UpdateSession(session.Id, SessionData.Empty.SetItem("k", Bytes("v"))),
            "delete" => new DeleteSession(session.Id),
            _ => new RenewSessionId(session.Id),
        };

        var reply = Handle(book, request, writable: false);

        Assert.Same(SessionBook.WritesRefused, reply);
        Assert.Equal(1, book.Count);
        Assert.True(book.TryGetStored(session.Id, out var after));
        Assert.Equal(before, after);
        Assert.False(_changes.Wrote);
        Assert.Empty(_changes.AfterCommit);
    }

    [Fact]
    public void Reads_while_writes_are_refused_are_served()
    {
        var book = NewBook();
        var session = Create(book, "user", "ada");

        Assert.IsType<SessionFound>(Handle(book, new GetSession(session.Id), writable: false));
        Assert.IsType<SessionFound>(Handle(book, new TouchSession(session.Id), writable: false));
        Assert.False(Assert.IsType<SessionOpened>(Handle(book, new OpenSession(session.Id), writable: false)).IsNew);
    }

    [Fact]
    public void A_session_found_expired_on_lookup_ends_as_a_Happened_event_and_no_write()
    {
        var book = NewBook();
        var session = Create(book);
        _now += (long)TimeSpan.FromMinutes(30).TotalMilliseconds;

        Assert.IsType<SessionNotFound>(Handle(book, new GetSession(session.Id)));

        Assert.Equal([new SessionEnded(session.Id, SessionEndReason.Expired)], _changes.Happened);
        Assert.False(_changes.Wrote);
        Assert.Empty(_changes.AfterCommit);
        Assert.Equal(0, book.Count);
    }

    [Fact]
    public void A_create_at_max_sessions_evicts_a_victim_and_records_its_write_and_SessionEnded_Evicted()
    {
        var book = NewBook(Settings(s => s with { MaxSessions = 2 }));
        var oldest = Create(book);
        _now += 1;
        var younger = Create(book);
        _now += 1;

        var opened = Assert.IsType<SessionOpened>(Handle(book, new OpenSession()));

        Assert.Equal(2, book.Count);
        Assert.False(book.TryGetStored(oldest.Id, out _));
        Assert.True(book.TryGetStored(younger.Id, out _));
        Assert.Equal([(oldest.Id, true), (opened.Session.Id, false)], _changes.Writes.Select(w => (w.Id, w.Before.Existed)));
        Assert.Equal(
            [new SessionEnded(oldest.Id, SessionEndReason.Evicted), new SessionCreated(opened.Session.Id, opened.Session.CreatedAt)],
            _changes.AfterCommit);
    }

    [Fact]
    public void Restoring_a_create_and_its_update_newest_first_leaves_no_session()
    {
        var book = NewBook();
        _changes.Clear();
        var created = Assert.IsType<SessionOpened>(book.Handle(new OpenSession(), Turn())).Session;
        Assert.IsType<SessionSaved>(book.Handle(new UpdateSession(created.Id, SessionData.Empty.SetItem("k", Bytes("v"))), Turn()));
        Assert.Equal(2, _changes.Writes.Count);

        book.Restore(Enumerable.Reverse(_changes.Writes), _now);

        Assert.Equal(0, book.Count);
        Assert.False(book.TryGetStored(created.Id, out _));
    }

    [Fact]
    public void Restoring_an_update_puts_back_the_data_and_version_before_it()
    {
        var book = NewBook();
        var session = Create(book, "user", "ada");
        book.TryGetStored(session.Id, out var before);
        _changes.Clear();
        book.Handle(new UpdateSession(session.Id, SessionData.Empty.SetItem("user", Bytes("grace"))), Turn());
        book.Handle(new UpdateSession(session.Id, SessionData.Empty.SetItem("user", Bytes("mallory"))), Turn());

        book.Restore(Enumerable.Reverse(_changes.Writes), _now);

        Assert.True(book.TryGetStored(session.Id, out var after));
        Assert.Equal((before.Data, before.Version, before.CreatedAtTicks), (after.Data, after.Version, after.CreatedAtTicks));
    }

    [Fact]
    public void Restoring_a_renewal_brings_the_old_id_back_and_drops_the_new_one()
    {
        var book = NewBook();
        var session = Create(book, "user", "ada");
        var renewed = Assert.IsType<SessionRenewed>(Handle(book, new RenewSessionId(session.Id)));

        book.Restore(Enumerable.Reverse(_changes.Writes), _now);

        Assert.Equal(1, book.Count);
        Assert.False(book.TryGetStored(renewed.Session.Id, out _));
        var found = Assert.IsType<SessionFound>(Handle(book, new GetSession(session.Id)));
        Assert.Equal(("ada", session.Version, session.CreatedAt), (found.Session.GetString("user"), found.Session.Version, found.Session.CreatedAt));
    }

    [Fact]
    public void Restoring_an_eviction_brings_the_victim_back()
    {
        var book = NewBook(Settings(s => s with { MaxSessions = 1 }));
        var victim = Create(book, "user", "ada");
        var opened = Assert.IsType<SessionOpened>(Handle(book, new OpenSession()));

        book.Restore(Enumerable.Reverse(_changes.Writes), _now);

        Assert.Equal(1, book.Count);
        Assert.False(book.TryGetStored(opened.Session.Id, out _));
        Assert.Equal("ada", Assert.IsType<SessionFound>(Handle(book, new GetSession(victim.Id))).Session.GetString("user"));
    }

    [Fact]
    public void AdjustTime_shifts_every_sessions_stamps_and_marks_them_all_touched()
    {
        var book = NewBook();
        var session = Create(book);
        Create(book);
        _changes.Clear();

        var adjusted = Assert.IsType<TimeAdjusted>(book.AdjustTime(new AdjustTime(TimeSpan.FromHours(1)), Turn()));

        Assert.Equal(2, adjusted.Sessions);
        Assert.True(_changes.TouchedAll);
        Assert.False(_changes.Wrote);
        var found = Assert.IsType<SessionFound>(Handle(book, new GetSession(session.Id))).Session;
        Assert.Equal(session.CreatedAt + TimeSpan.FromHours(1), found.CreatedAt);
    }
}
