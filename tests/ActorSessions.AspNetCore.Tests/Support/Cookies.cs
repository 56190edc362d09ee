using Microsoft.Net.Http.Headers;

namespace ActorSessions.AspNetCore.Tests.Support;

/// <summary>Reads the session cookie from responses and puts it on requests, for specs that look at the raw headers.</summary>
internal static class Cookies
{
    public const string Name = ActorSessionsHttpOptions.DefaultCookieName;

    public static IReadOnlyList<SetCookieHeaderValue> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? SetCookieHeaderValue.ParseList(values.ToList()).ToList() : [];

    /// <summary>The one session cookie the response sets; fails when there is none or more than one.</summary>
    public static SetCookieHeaderValue SessionCookie(HttpResponseMessage response) =>
        Assert.Single(SetCookies(response), c => c.Name.Value == Name);

    public static HttpRequestMessage With(this HttpRequestMessage request, string? sessionId)
    {
        if (sessionId is not null)
        {
            request.Headers.Add("Cookie", $"{Name}={sessionId}");
        }

        return request;
    }

    public static Task<HttpResponseMessage> GetAsync(this HttpClient client, string path, string? sessionId) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path).With(sessionId));

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, string path, string? sessionId, HttpContent? content = null) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = content }.With(sessionId));
}
