using ActorSessions.Benchmarks.Http;
using ActorSessions.Benchmarks.Http.App;

// `serve --backend NAME ...` is the app under load, which the harness starts as its child processes; anything else runs the harness.
return args is ["serve", .. var serveArgs]
    ? await BenchmarkApp.RunAsync(serveArgs)
    : await HttpHarness.RunAsync(args, Console.Out);
