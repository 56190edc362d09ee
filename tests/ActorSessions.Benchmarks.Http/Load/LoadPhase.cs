namespace ActorSessions.Benchmarks.Http.Load;

/// <summary>Where a cell's closed loops are: warming up, measured, or stopping. Read by every loop after each request.</summary>
internal sealed class LoadPhase
{
    public const int WarmingUp = 0;
    public const int Measuring = 1;
    public const int Stopping = 2;

    private volatile int _value;

    public int Value => _value;

    public void MoveTo(int value) => _value = value;
}
