namespace ActorSessions.Benchmarks.Tests;

/// <summary>
/// The harnesses' smoke runs, one at a time. Each loads the machine on purpose, and both share this
/// process's thread pool: run side by side, the HTTP harness's virtual users and child servers once
/// starved the in-process harness's set-up for seconds (an <c>Ask</c> in its population timed out in CI).
/// </summary>
[CollectionDefinition(Name)]
public sealed class HarnessRuns
{
    public const string Name = "harness runs";
}
