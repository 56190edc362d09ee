using ActorSessions.Server.Logging;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>Request text is escaped before it reaches a log line.</summary>
public sealed class LogTextSpec
{
    [Theory]
    [InlineData("/api/session", "/api/session")]
    [InlineData("/a\r\nINFO forged line", @"/a\u000d\u000aINFO forged line")]
    [InlineData("/\u001b[31mred\u001b[0m", @"/\u001b[31mred\u001b[0m")]
    [InlineData("/\0\t\u007f\u0085", @"/\u0000\u0009\u007f\u0085")]
    [InlineData("/a\u2028b\u2029c", @"/a\u2028b\u2029c")]
    [InlineData("/\u202egnp.exe", @"/\u202egnp.exe")]
    [InlineData(@"/\u000d", @"/\\u000d")]
    [InlineData("/grüße/😀", "/grüße/😀")]
    [InlineData(null, "")]
    public void Control_and_invisible_characters_are_written_as_escapes(string? value, string logged)
    {
        Assert.Equal(logged, LogText.Escape(value));
    }

    [Fact]
    public void A_lone_surrogate_is_an_escape()
    {
        // Built here: a theory's data would not carry it intact to the test.
        Assert.Equal(@"/\ud800x", LogText.Escape("/" + (char)0xD800 + "x"));
    }

    [Fact]
    public void A_long_value_is_cut()
    {
        var logged = LogText.Escape("/" + new string('a', 10_000));

        Assert.Equal(LogText.MaxLength + 3, logged.Length);
        Assert.EndsWith("a...", logged);
    }
}
