// The cluster figures: the cost of a remote hop per request, and the graceful hand-off time of a partition.
// Every node is an actor system of this process on 127.0.0.1 (ports from the OS), each with
// WithActorSessionsCluster and otherwise Akka's production defaults; nothing else runs in the process.
//
//   dotnet run -c Release --project tests/ActorSessions.Benchmarks.Cluster -- --hop [--seconds 5] [--rounds 3] [--callers 64]
//        SessionClient opens of existing sessions through node 0's front: a one-node cluster against a
//        three-node one (2/3 of the partitions elsewhere), rounds alternating, ops/s and CPU per op.
//   dotnet run -c Release --project tests/ActorSessions.Benchmarks.Cluster -- --handoff [--rounds 5]
//        A node holding partitions leaves gracefully while every partition it holds is probed from node 0:
//        the longest time each moved partition gave no answer, the coordinated shutdown's time, and the
//        probes never answered.
using System.Globalization;
using ActorSessions.Benchmarks.Cluster;

var rounds = Arg("--rounds", args.Contains("--handoff") ? 5 : 3);
if (args.Contains("--handoff"))
{
    await HandOffFigures.Run(rounds);
    return 0;
}

if (args.Contains("--hop"))
{
    await HopFigures.Run(rounds, TimeSpan.FromSeconds(Arg("--seconds", 5)), Arg("--callers", 64));
    return 0;
}

Console.Error.WriteLine("Say --hop or --handoff (see Program.cs).");
return 2;

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
