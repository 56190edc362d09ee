using ActorSessions.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging.Console;

namespace ActorSessions.Benchmarks.Http.App;

/// <summary>
/// The app under load: the same endpoints (<see cref="Endpoints"/>) over the session backend chosen at
/// start, each wired the way its documentation shows, listening on 127.0.0.1 on a port from the OS.
/// </summary>
internal static class BenchmarkApp
{
    /// <summary>The line the server prints on stdout once it listens, followed by its address.</summary>
    public const string ReadyPrefix = "listening ";

    /// <summary>Both sessions' sliding expiry, so neither has an edge from a shorter one (ASP.NET Core's default).</summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(20);

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var options = AppOptions.Parse(args);
        var builder = WebApplication.CreateBuilder([]);
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        // No line per request: only problems reach stderr (the console logger writes to stdout unless told),
        // which the harness shows if the server fails or a cell counts errors.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(c => c.SingleLine = true);
        builder.Services.Configure<ConsoleLoggerOptions>(c => c.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        AddSessions(builder.Services, options);
        var app = builder.Build();
        if (options.Backend.IsActorSessions())
        {
            app.UseActorSessions();
        }
        else if (options.Backend.HasSessions())
        {
            app.UseSession();
        }

        Endpoints.Map(app, options.Backend);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.Out.WriteLine(ReadyPrefix + address);
        Console.Out.Flush();
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static void AddSessions(IServiceCollection services, AppOptions options)
    {
        switch (options.Backend)
        {
            case Backend.None:
                break;
            case Backend.AspNetMemory:
                services.AddDistributedMemoryCache();
                services.AddSession(o => o.IdleTimeout = IdleTimeout);
                break;
            case Backend.AspNetRedis or Backend.AspNetRedisFsync:
                services.AddStackExchangeRedisCache(o =>
                {
                    o.Configuration = options.Redis;
                    o.InstanceName = "http-bench:";
                });
                services.AddSession(o => o.IdleTimeout = IdleTimeout);
                break;
            default:
                services.AddActorSessions(o =>
                {
                    o.IdleTimeout = IdleTimeout;

                    // Every virtual user comes from 127.0.0.1: the per-address limit on new sessions would
                    // refuse all but the first 60 of them.
                    o.NewSessionsPerMinute = null;
                    if (options.Backend == Backend.ActorSessionsSqlite)
                    {
                        o.UseSqliteStore(s => s.Path = options.SqlitePath!);
                    }
                    else if (options.Backend == Backend.ActorSessionsPostgreSql)
                    {
                        o.UsePostgreSqlStore(options.PostgreSql, s => s.Schema = options.PostgreSqlSchema ?? s.Schema);
                    }
                });
                break;
        }
    }
}
