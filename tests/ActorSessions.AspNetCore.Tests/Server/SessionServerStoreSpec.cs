using ActorSessions.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore.Tests.Server;

/// <summary>The server keeps its sessions in SQLite by default: they survive a restart.</summary>
public sealed class SessionServerStoreSpec : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("actorsessions-server-store-").FullName;

    [Fact]
    public async Task Sessions_survive_a_restart_of_the_server_in_its_sqlite_file()
    {
        var path = Path.Combine(_data, "sessions.db");
        string id;
        await using (var first = await Start(path))
        {
            var client = first.Services.GetRequiredService<ISessionClient>();
            var session = (await client.OpenAsync()).Session;
            await client.SaveAsync(session.SetString("greeting", "hello"));
            id = session.Id;
            await first.StopAsync();
        }

        Assert.True(File.Exists(path));
        await using var second = await Start(path);
        var found = await second.Services.GetRequiredService<ISessionClient>().GetAsync(id);
        Assert.Equal("hello", found.Session.GetString("greeting"));
        await second.StopAsync();
    }

    private static async Task<WebApplication> Start(string path)
    {
        var app = SessionServer.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration["ActorSessions:SqlitePath"] = path;
        });
        await app.StartAsync();
        return app;
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
