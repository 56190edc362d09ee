using ActorSessions.Server;

// dotnet run --project src/ActorSessions.Server   (http://127.0.0.1:5080; --urls overrides)
var app = SessionServer.Build(args);
await app.RunAsync();
