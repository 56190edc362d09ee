using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActorSessions.AspNetCore.Tests;

/// <summary>The middleware imposes no limit on request bodies the app did not ask for.</summary>
public sealed class RequestBodyLimitSpec
{
    [Fact]
    public async Task A_two_megabyte_post_to_an_endpoint_that_never_touches_the_session_is_served()
    {
        await using var app = await Support.SessionTestApp.StartAsync(endpoints => endpoints.MapPost("/upload", async (HttpContext c) =>
        {
            var length = 0L;
            var buffer = new byte[81920];
            int read;
            while ((read = await c.Request.Body.ReadAsync(buffer)) > 0)
            {
                length += read;
            }

            return length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }));
        using var client = app.Raw();

        var response = await client.PostAsync("/upload", new ByteArrayContent(new byte[2 * 1024 * 1024]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2097152", await response.Content.ReadAsStringAsync());
    }
}
