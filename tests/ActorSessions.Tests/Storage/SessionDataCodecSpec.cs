using ActorSessions.Durability;
using ActorSessions.Storage;
namespace ActorSessions.Tests.Storage;

public sealed class SessionDataCodecSpec
{
    [Fact]
    public void Data_comes_back_as_it_was_stored()
    {
        var data = SessionData.Empty
            .SetItem("name", [.. "Zoë 🚀"u8])
            .SetItem("", [])
            .SetItem("big", [.. Enumerable.Range(0, 100_000).Select(i => (byte)i)]);

        Assert.True(SessionDataCodec.TryDecode(SessionDataCodec.Encode(data), out var decoded, out var error), error);

        Assert.Equal(data.Count, decoded.Count);
        foreach (var (key, value) in data)
        {
            Assert.True(value.AsSpan().SequenceEqual(decoded[key].AsSpan()), key);
        }
    }

    [Fact]
    public void Keys_kept_as_utf8_bytes_encode_to_what_the_session_would()
    {
        var data = SessionData.Empty.SetItem("b", [2]).SetItem("Zoë", [1, 1]).SetItem("", []);
        var items = data.Select(e => KeyValuePair.Create(System.Text.Encoding.UTF8.GetBytes(e.Key), e.Value.ToArray())).Reverse().ToList();

        Assert.True(SessionDataFormat.TryDecode(SessionDataFormat.EncodeUtf8(items), out var decoded, out var error), error);

        Assert.Equal(data, decoded);
    }

    [Fact]
    public void A_key_kept_as_bytes_that_are_not_utf8_is_refused_when_decoded()
    {
        var bytes = SessionDataFormat.EncodeUtf8([KeyValuePair.Create(new byte[] { 0xFF }, new byte[] { 1 })]);

        Assert.False(SessionDataFormat.TryDecode(bytes, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Sessions_decoded_with_shared_key_strings_hold_one_string_a_key_and_decode_alike()
    {
        var keys = new SessionKeyStrings();
        var longKey = new string('k', 100);
        var stored = SessionDataCodec.Encode(SessionData.Empty.SetItem("user", [1]).SetItem("Zoë", [2]).SetItem(longKey, [3]));

        Assert.True(SessionDataCodec.TryDecode(stored, out var first, out _, keys));
        Assert.True(SessionDataCodec.TryDecode(stored, out var second, out _, keys));
        Assert.True(SessionDataCodec.TryDecode(stored, out var alone, out _));

        Assert.Equal(alone, first);
        Assert.Equal(alone, second);
        Assert.Same(first.Keys.Single(k => k == "user"), second.Keys.Single(k => k == "user"));
        Assert.Same(first.Keys.Single(k => k == "Zoë"), second.Keys.Single(k => k == "Zoë"));
        Assert.NotSame(first.Keys.Single(k => k == longKey), second.Keys.Single(k => k == longKey));
    }

    [Fact]
    public void A_key_that_is_not_utf8_is_refused_with_shared_key_strings_too()
    {
        var keys = new SessionKeyStrings();
        Assert.True(SessionDataCodec.TryDecode(SessionDataFormat.EncodeUtf8([KeyValuePair.Create(new byte[] { 65 }, new byte[] { 1 })]), out _, out _, keys));

        Assert.False(SessionDataCodec.TryDecode(SessionDataFormat.EncodeUtf8([KeyValuePair.Create(new byte[] { 0xFF }, new byte[] { 1 })]), out _, out var error, keys));
        Assert.False(SessionDataCodec.TryDecode(SessionDataFormat.EncodeUtf8([KeyValuePair.Create(new byte[] { 0xFF }, new byte[] { 1 })]), out _, out _, keys));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void No_data_is_stored_as_an_empty_map()
    {
        Assert.True(SessionDataCodec.TryDecode(SessionDataCodec.Encode(SessionData.Empty), out var decoded, out _));

        Assert.True(decoded.IsEmpty);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 2, 0 })]
    [InlineData(new byte[] { 1, 1, 5, 65 })]
    [InlineData(new byte[] { 1, 0, 0 })]
    [InlineData(new byte[] { 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(new byte[] { 1, 1, 1, 0xC3, 0 })]
    [InlineData(new byte[] { 1, 2, 1, 65, 0, 1, 65, 0 })]
    [InlineData(new byte[] { 1, 0xFF, 0xFF, 0xFF, 0x07, 0, 0 })]
    public void Bytes_that_are_not_an_encoding_are_refused_with_a_reason(byte[] bytes)
    {
        Assert.False(SessionDataCodec.TryDecode(bytes, out var decoded, out var error));

        Assert.True(decoded.IsEmpty);
        Assert.False(string.IsNullOrEmpty(error));
    }
}
