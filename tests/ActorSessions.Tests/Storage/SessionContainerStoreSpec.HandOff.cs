namespace ActorSessions.Tests.Storage;

/// <summary>
/// A partition handed off (<see cref="StopPartition"/>) while it still recovers: requests waiting for
/// their sessions are answered before the container stops, as writes waiting for the store are. Stopping
/// at once would leave their callers with no answer, and opens, creates and deltas are never resent.
/// </summary>
public sealed class SessionContainerStoreHandOffSpec : StoreSpecBase
{
    private const string IdA = "AAAAAAAAAAAAAAAAAAAA";

    [Fact]
    public async Task A_hand_off_during_a_full_recovery_answers_the_requests_held_for_it_then_stops()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(5), value: "kept"));
        var container = await NewContainerStillLoading();
        var reader = CreateTestProbe();
        var opener = CreateTestProbe();
        Watch(container);

        container.Tell(new GetSession(IdA), reader.Ref);
        container.Tell(new OpenSession(), opener.Ref);
        container.Tell(StopPartition.Instance);
        Store.ReleaseLoads();

        Assert.Equal("kept", reader.ExpectMsg<SessionFound>().Session.GetString("k"));
        var opened = opener.ExpectMsg<SessionOpened>();
        ExpectTerminated(container);
        Assert.True(Store.Rows.ContainsKey(opened.Session.Id)); // answered once committed, as ever
    }
}

/// <summary>
/// The same while the container serves during recovery, its requests waiting for a lookup by id (the
/// hand-off's flush of the touches waits behind them, in order).
/// </summary>
public sealed class SessionContainerStoreHandOffWhileServingSpec : StoreSpecBase
{
    private const string IdA = "AAAAAAAAAAAAAAAAAAAA";

    public SessionContainerStoreHandOffWhileServingSpec()
        : base(storeFindsById: true)
    {
    }

    [Fact]
    public async Task A_hand_off_answers_the_requests_waiting_for_a_lookup_then_stops()
    {
        Store.Put(Row(IdA, Start - TimeSpan.FromMinutes(5), value: "kept"));
        var container = await NewContainerStillLoading();
        Store.HoldFinds();
        var reader = CreateTestProbe();
        var writer = CreateTestProbe();
        Watch(container);

        container.Tell(new GetSession(IdA), reader.Ref);
        await Store.FindStarted();
        container.Tell(new UpdateSession(IdA, SessionData.Empty.SetItem("k", [.. "changed"u8])), writer.Ref);
        container.Tell(StopPartition.Instance);
        Store.ReleaseFinds();

        Assert.Equal("kept", reader.ExpectMsg<SessionFound>().Session.GetString("k"));
        writer.ExpectMsg<SessionSaved>();
        ExpectTerminated(container);
        Assert.Equal("changed", System.Text.Encoding.UTF8.GetString(Decode(Store.Rows[IdA])["k"].AsSpan()));
    }
}
