using System.Diagnostics;

namespace ActorSessions.AspNetCore;

/// <summary>
/// The spans of a request's session work, on an <see cref="ActivitySource"/> named <c>ActorSessions</c>
/// (OpenTelemetry: <c>.AddSource("ActorSessions")</c>), so a trace shows how much of a request went to
/// loading its session and to storing its changes. Nothing is recorded while no one listens.
/// </summary>
internal static class SessionActivities
{
    public const string SourceName = "ActorSessions";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Ends <paramref name="activity"/> as failed with <paramref name="error"/>'s type, as OpenTelemetry's conventions ask.</summary>
    public static void Failed(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("error.type", error.GetType().FullName);
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
    }
}
