using Microsoft.Extensions.Time.Testing;

namespace ActorSessions.Tests.TestSupport;

/// <summary>
/// A clock whose wall time can jump (an administrator or NTP setting it) while its monotonic clock,
/// driven by the inner <see cref="FakeTimeProvider"/>, only moves when the test advances it.
/// </summary>
public sealed class JumpingClock(FakeTimeProvider monotonic) : TimeProvider
{
    public TimeSpan WallOffset { get; set; }

    public override DateTimeOffset GetUtcNow() => monotonic.GetUtcNow() + WallOffset;

    public override long GetTimestamp() => monotonic.GetTimestamp();

    public override long TimestampFrequency => monotonic.TimestampFrequency;
}
