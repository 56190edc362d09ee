using Akka.Configuration;

namespace ActorSessions.Tests.Storage;

public sealed class SessionStoreSettingsSpec
{
    [Fact]
    public void The_defaults_come_from_reference_conf()
    {
        var settings = SessionStoreSettings.Default;

        Assert.Equal(TimeSpan.FromSeconds(1), settings.TouchFlushInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.CommitTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(200), settings.MinBackoff);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.MaxBackoff);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.CleanupGrace);
        Assert.Equal(10_000, settings.CleanupBatchSize);
        Assert.Equal(4, settings.CommitYields);
    }

    [Fact]
    public void The_applications_hocon_overrides_the_defaults()
    {
        var settings = SessionStoreSettings.Create(ConfigurationFactory.ParseString("actor-sessions.store { touch-flush-interval = 250ms, cleanup-batch-size = 5, commit-yields = 0 }"));

        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.TouchFlushInterval);
        Assert.Equal(5, settings.CleanupBatchSize);
        Assert.Equal(0, settings.CommitYields);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.CommitTimeout);
    }

    [Theory]
    [InlineData("touch-flush-interval = 0s")]
    [InlineData("cleanup-batch-size = 0")]
    [InlineData("min-backoff = 5s, max-backoff = 1s")]
    [InlineData("commit-timeout = soon")]
    [InlineData("commit-yields = -1")]
    public void An_invalid_value_is_refused_with_an_argument_exception(string hocon)
    {
        Assert.ThrowsAny<ArgumentException>(() => SessionStoreSettings.Create(ConfigurationFactory.ParseString($"actor-sessions.store {{ {hocon} }}")));
    }
}
