namespace ActorSessions.Benchmarks.Designs;

internal static class Workload
{
    public const string UserKey = "user";
    public const string WriteKey = "n";

    public static byte[] UserValue(int i) => System.Text.Encoding.UTF8.GetBytes($"user-{i:D7}");
}
