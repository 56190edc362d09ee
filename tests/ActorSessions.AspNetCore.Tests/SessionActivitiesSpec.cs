using System.Collections.Concurrent;
using System.Diagnostics;
using ActorSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>A request's session work shows in its trace: a span for loading the session and one for storing its changes.</summary>
public sealed class SessionActivitiesSpec
{
    [Fact]
    public async Task Loading_and_committing_are_spans_of_the_request_and_a_failed_commit_is_marked_as_an_error()
    {
        var store = new FaultyStore();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            // ASP.NET Core's own request span too, so the request's trace id (sent below) reaches the session's spans.
            ShouldListenTo = source => source.Name is "ActorSessions" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = await SessionTestApp.StartAsync(
            endpoints => endpoints.MapPost("/set", (HttpContext c) =>
            {
                // A new value each time, so every request has a change to store.
                c.Session.SetString("a", Guid.NewGuid().ToString());
                return "ok";
            }),
            container: o => o.SessionStore = _ => store);
        using var client = app.Raw();

        var first = await Traced(client, null, out var firstTrace);
        var id = Cookies.SessionCookie(first).Value.Value!;
        await Traced(client, id, out var secondTrace);
        store.Fault = new InvalidOperationException("disk I/O error");
        await Traced(client, id, out var failedTrace);

        Activity[] Of(ActivityTraceId trace) => [.. stopped.Where(a => a.TraceId == trace && a.Source.Name == "ActorSessions")];
        var created = Assert.Single(Of(firstTrace));
        Assert.Equal("ActorSessions commit", created.OperationName);
        Assert.Equal(true, created.GetTagItem("actorsessions.session.created"));
        Assert.Equal(["ActorSessions load", "ActorSessions commit"], Of(secondTrace).Select(a => a.OperationName));
        Assert.Equal(true, Of(secondTrace)[0].GetTagItem("actorsessions.session.found"));
        var failed = Of(failedTrace).Single(a => a.OperationName == "ActorSessions commit");
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal(typeof(SessionUnavailableException).FullName, failed.GetTagItem("error.type"));
    }

    private static Task<HttpResponseMessage> Traced(HttpClient client, string? sessionId, out ActivityTraceId trace)
    {
        trace = ActivityTraceId.CreateRandom();
        var request = new HttpRequestMessage(HttpMethod.Post, "/set").With(sessionId);
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        return client.SendAsync(request);
    }
}
