using ActorSessions.Hosting;
using Akka.Configuration;

namespace ActorSessions.Tests.Hosting;

public sealed class ActorSessionsOptionsSpec
{
    [Fact]
    public void Only_the_options_that_are_set_become_hocon()
    {
        Assert.Equal(string.Empty, new ActorSessionsOptions().ToHocon());
    }

    [Fact]
    public void Every_option_reads_back_as_the_same_setting()
    {
        var options = new ActorSessionsOptions
        {
            IdleTimeout = TimeSpan.FromMinutes(12),
            AbsoluteTimeout = TimeSpan.FromHours(9),
            CleanupInterval = TimeSpan.FromSeconds(15),
            CleanupBatchSize = 500,
            SessionIdLength = 32,
            MaxSessions = 1234,
            RequestTimeout = TimeSpan.FromMilliseconds(2500),
            PromoteAfter = TimeSpan.FromSeconds(3),
            MaxKeysPerSession = 40,
            MaxSessionBytes = 100_000,
            MaxMemory = 5_000_000_000,
        };

        var settings = SessionSettings.Create(ConfigurationFactory.ParseString(options.ToHocon()));

        Assert.Equal(
            SessionSettings.Default with
            {
                IdleTimeout = TimeSpan.FromMinutes(12),
                AbsoluteTimeout = TimeSpan.FromHours(9),
                CleanupInterval = TimeSpan.FromSeconds(15),
                CleanupBatchSize = 500,
                SessionIdLength = 32,
                MaxSessions = 1234,
                PromoteAfter = TimeSpan.FromSeconds(3),
                MaxKeysPerSession = 40,
                MaxSessionBytes = 100_000,
                MaxMemory = 5_000_000_000,
            },
            settings);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), SessionClientSettings.Create(ConfigurationFactory.ParseString(options.ToHocon())).RequestTimeout);
    }

    [Fact]
    public void A_zero_absolute_timeout_turns_it_off()
    {
        var hocon = new ActorSessionsOptions { AbsoluteTimeout = TimeSpan.Zero }.ToHocon();

        Assert.Null(SessionSettings.Create(ConfigurationFactory.ParseString(hocon)).AbsoluteTimeout);
    }

    [Fact]
    public void A_zero_max_memory_turns_the_budget_off()
    {
        var hocon = new ActorSessionsOptions { MaxMemory = 0 }.ToHocon();

        Assert.Null(SessionSettings.Create(ConfigurationFactory.ParseString(hocon)).MaxMemory);
    }
}
