using ActorSessions.PostgreSql;
using Akka.Configuration;

namespace ActorSessions.Storage.Tests.PostgreSql;

public sealed class PostgreSqlSessionStoreOptionsSpec
{
    [Fact]
    public void The_defaults_prepare_statements_in_the_public_schema()
    {
        var options = PostgreSqlSessionStoreOptions.FromConfig(Config.Empty);

        Assert.Equal((string.Empty, "public", true), (options.ConnectionString, options.Schema, options.PrepareStatements));
    }

    [Fact]
    public void Each_key_of_the_section_is_read()
    {
        var options = PostgreSqlSessionStoreOptions.FromConfig(ConfigurationFactory.ParseString("""
            actor-sessions.store.postgresql {
              connection-string = "Host=db;Username=app"
              schema = sessions
              prepare-statements = off
            }
            """));

        Assert.Equal(("Host=db;Username=app", "sessions", false), (options.ConnectionString, options.Schema, options.PrepareStatements));
    }

    [Fact]
    public void A_value_that_cannot_be_read_is_refused_with_the_section_named()
    {
        var refused = Assert.Throws<ArgumentException>(() => PostgreSqlSessionStoreOptions.FromConfig(
            ConfigurationFactory.ParseString("actor-sessions.store.postgresql.prepare-statements = sometimes")));

        Assert.Contains(PostgreSqlSessionStoreOptions.ConfigPath, refused.Message, StringComparison.Ordinal);
    }
}
