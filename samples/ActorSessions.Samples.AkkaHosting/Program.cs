using ActorSessions;
using ActorSessions.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddAkka("my-system", akka => akka
    .WithActorSessions(options =>
    {
        options.IdleTimeout = TimeSpan.FromMinutes(20);
        options.AbsoluteTimeout = TimeSpan.FromHours(8);
    }));
builder.Services.AddActorSessionsClient(); // ISessionClient for code outside the actor system

using var host = builder.Build();
await host.StartAsync();

var sessions = host.Services.GetRequiredService<ISessionClient>();
var opened = await sessions.OpenAsync();
await sessions.SaveAsync(opened.Session.SetString("user", "ada"));
var found = await sessions.GetAsync(opened.Session.Id);
Console.WriteLine($"user: {found.Session.GetString("user")}");

await host.StopAsync();                    // stops the actor system after everything that uses the container
