using System.Text.Json;
using Akka.Configuration;

namespace ActorSessions.Tests.Configuration;

/// <summary>The server's own HOCON: its container limits must let through what its web options allow, and no more keys.</summary>
public sealed class ServerConfSpec
{
    [Fact]
    public void The_servers_container_limits_match_its_web_options()
    {
        var settings = SessionSettings.Create(ConfigurationFactory.ParseString(File.ReadAllText(RepoFile("src", "ActorSessions.Server", "server.conf"))));
        using var appsettings = JsonDocument.Parse(File.ReadAllText(RepoFile("src", "ActorSessions.Server", "appsettings.json")));
        var http = appsettings.RootElement.GetProperty("ActorSessions").GetProperty("Http");
        var maxKeys = http.GetProperty("MaxKeys").GetInt32();
        var largestWebSession = maxKeys * ((2L * http.GetProperty("MaxKeyLength").GetInt32()) + http.GetProperty("MaxValueBytes").GetInt32());

        Assert.Equal(maxKeys, settings.MaxKeysPerSession);
        Assert.InRange(settings.MaxSessionBytes, largestWebSession, 2 * largestWebSession);
        Assert.InRange(settings.MaxMemory ?? long.MaxValue, 1, 1L << 30); // server.conf's arithmetic for a 4 GB machine
    }

    private static string RepoFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine([dir.FullName, .. parts]);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"{Path.Combine(parts)} was not found above {AppContext.BaseDirectory}.");
    }
}
