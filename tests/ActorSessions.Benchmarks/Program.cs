using ActorSessions.Benchmarks;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/ActorSessions.Benchmarks -- [--quick] [--out DIR]
//   runs every design through every workload and writes DIR/report.md and DIR/report.json.
// dotnet run -c Release --project tests/ActorSessions.Benchmarks -- --micro [BenchmarkDotNet arguments]
//   runs the single-threaded micro-benchmarks (id generation, snapshot copies) under BenchmarkDotNet.
if (args.Length > 0 && args[0] == "--micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(HarnessEntry).Assembly).Run(args[1..]);
    return 0;
}

return await HarnessEntry.RunAsync(args, Console.Out);
