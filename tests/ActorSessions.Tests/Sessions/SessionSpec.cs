namespace ActorSessions.Tests.Sessions;

public sealed class SessionSpec
{
    private static readonly Session Empty = new("EEEEEEEEEEEEEEEEEEEE", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 0, SessionData.Empty);

    [Fact]
    public void SetString_returns_a_new_session_and_leaves_the_original_unchanged()
    {
        var changed = Empty.SetString("k", "v");

        Assert.Equal("v", changed.GetString("k"));
        Assert.Null(Empty.GetString("k"));
        Assert.Empty(Empty.Keys);
    }

    [Fact]
    public void Strings_round_trip_as_utf8()
    {
        var session = Empty.SetString("greeting", "héllo ✓");

        Assert.True(session.TryGetValue("greeting", out var bytes));
        Assert.Equal("héllo ✓"u8.ToArray(), bytes.ToArray());
        Assert.Equal("héllo ✓", session.GetString("greeting"));
    }

    [Fact]
    public void Bytes_are_copied_in_so_the_callers_array_cannot_change_the_session()
    {
        byte[] buffer = [1, 2, 3];
        var session = Empty.Set("b", buffer);

        buffer[0] = 99;

        session.TryGetValue("b", out var stored);
        Assert.Equal([1, 2, 3], stored.ToArray());
    }

    [Fact]
    public void Keys_are_case_sensitive()
    {
        var session = Empty.SetString("Key", "upper").SetString("key", "lower");

        Assert.Equal(2, session.Count);
        Assert.Equal("upper", session.GetString("Key"));
        Assert.Equal("lower", session.GetString("key"));
    }

    [Fact]
    public void Remove_and_Clear_return_new_sessions()
    {
        var session = Empty.SetString("a", "1").SetString("b", "2");

        Assert.Equal(["b"], session.Remove("a").Keys);
        Assert.Empty(session.Clear().Keys);
        Assert.Equal(2, session.Count);
    }

    [Fact]
    public void A_missing_key_reads_as_null()
    {
        Assert.Null(Empty.GetString("nothing"));
        Assert.False(Empty.TryGetValue("nothing", out _));
    }
}
