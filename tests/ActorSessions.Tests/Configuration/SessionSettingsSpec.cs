using Akka.Configuration;

namespace ActorSessions.Tests.Configuration;

public sealed class SessionSettingsSpec
{
    [Fact]
    public void Defaults_come_from_the_embedded_reference_conf()
    {
        var settings = SessionSettings.Default;

        Assert.Equal(TimeSpan.FromMinutes(30), settings.IdleTimeout);
        Assert.Null(settings.AbsoluteTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.CleanupInterval);
        Assert.Equal(1000, settings.CleanupBatchSize);
        Assert.Equal(20, settings.SessionIdLength);
        Assert.Equal(1_000_000, settings.MaxSessions);
        Assert.Equal(TimeSpan.FromSeconds(5), SessionClientSettings.Create(ConfigurationFactory.Empty).RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.PromoteAfter);
        Assert.Equal(1000, settings.MaxKeysPerSession);
        Assert.Equal(1L << 20, settings.MaxSessionBytes);
        Assert.Equal(1L << 30, settings.MaxMemory);
        Assert.Equal("30m", SessionSettings.DefaultConfig.GetString("actor-sessions.idle-timeout"));
    }

    [Fact]
    public void Settings_built_in_code_start_from_the_same_defaults_as_reference_conf()
    {
        Assert.Equal(SessionSettings.Default, new SessionSettings());
    }

    [Fact]
    public void Create_reads_the_actor_sessions_section_and_falls_back_to_defaults()
    {
        var config = ConfigurationFactory.ParseString("""
            actor-sessions {
              idle-timeout = 10m
              absolute-timeout = 8h
              session-id-length = 32
            }
            """);

        var settings = SessionSettings.Create(config);

        Assert.Equal(TimeSpan.FromMinutes(10), settings.IdleTimeout);
        Assert.Equal(TimeSpan.FromHours(8), settings.AbsoluteTimeout);
        Assert.Equal(32, settings.SessionIdLength);
        Assert.Equal(1_000_000, settings.MaxSessions);
    }

    [Fact]
    public void An_id_shorter_than_64_bits_is_a_configuration_error_that_says_so()
    {
        var config = ConfigurationFactory.ParseString("actor-sessions.session-id-length = 10");

        var error = Assert.ThrowsAny<ArgumentException>(() => SessionSettings.Create(config));

        Assert.Contains("64 bits", error.Message);
        Assert.Contains("session-id-length = 10", error.Message);
    }

    [Fact]
    public void Eleven_characters_is_the_shortest_id_allowed()
    {
        Assert.Equal(11, SessionSettings.MinSessionIdLength);
        Assert.Equal(11, (SessionSettings.Default with { SessionIdLength = 11 }).SessionIdLength);
    }

    [Theory]
    [InlineData("actor-sessions.idle-timeout = 0s")]
    [InlineData("actor-sessions.idle-timeout = -5s")]
    [InlineData("actor-sessions.cleanup-interval = 0s")]
    [InlineData("actor-sessions.max-sessions = 0")]
    [InlineData("actor-sessions.cleanup-batch-size = 0")]
    [InlineData("actor-sessions.absolute-timeout = 0s")]
    [InlineData("actor-sessions.max-sessions = lots")]
    [InlineData("actor-sessions.promote-after = -1s")]
    [InlineData("actor-sessions.max-keys-per-session = 0")]
    [InlineData("actor-sessions.max-session-bytes = 0")]
    [InlineData("actor-sessions.max-session-bytes = -1KiB")]
    [InlineData("actor-sessions.max-memory = 0")]
    [InlineData("actor-sessions.max-memory = plenty")]
    public void Invalid_values_are_refused_with_an_ArgumentException(string hocon)
    {
        Assert.ThrowsAny<ArgumentException>(() => SessionSettings.Create(ConfigurationFactory.ParseString(hocon)));
    }

    [Theory]
    [InlineData("actor-sessions.request-timeout = 0s")]
    [InlineData("actor-sessions.request-timeout = soon")]
    public void Invalid_client_values_are_refused_with_an_ArgumentException(string hocon)
    {
        Assert.ThrowsAny<ArgumentException>(() => SessionClientSettings.Create(ConfigurationFactory.ParseString(hocon)));
    }

    [Fact]
    public void Invalid_values_cannot_be_set_in_code_either()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionSettings.Default with { IdleTimeout = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionSettings.Default with { SessionIdLength = 300 });
    }

    [Fact]
    public void Absolute_timeout_can_be_turned_off_explicitly()
    {
        var settings = SessionSettings.Create(ConfigurationFactory.ParseString("actor-sessions.absolute-timeout = off"));

        Assert.Null(settings.AbsoluteTimeout);
    }

    [Fact]
    public void Sizes_are_read_with_their_units_and_max_memory_can_be_turned_off()
    {
        var settings = SessionSettings.Create(ConfigurationFactory.ParseString("""
            actor-sessions {
              max-session-bytes = 256KiB
              max-memory = off
              promote-after = 0s
            }
            """));

        Assert.Equal(256 * 1024, settings.MaxSessionBytes);
        Assert.Null(settings.MaxMemory);
        Assert.Equal(TimeSpan.Zero, settings.PromoteAfter);
        Assert.Equal(3L << 30, SessionSettings.Create(ConfigurationFactory.ParseString("actor-sessions.max-memory = 3GiB")).MaxMemory);
    }
}
