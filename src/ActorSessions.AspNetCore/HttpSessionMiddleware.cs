using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore;

/// <summary>
/// Serves each request's session from the container: loads it when the request carries the cookie, exposes
/// it as <see cref="ISessionFeature"/> and <see cref="HttpSession"/>, commits the changes before the
/// response starts (so the next request sees them) and sets or deletes the cookie when needed.
/// </summary>
internal sealed class HttpSessionMiddleware
{
    private readonly RequestDelegate _next;
    private readonly Lazy<ISessionClient> _client;
    private readonly ActorSessionsHttpOptions _options;
    private readonly ILogger<HttpSession> _logger;

    public HttpSessionMiddleware(RequestDelegate next, Lazy<ISessionClient> client, ActorSessionsHttpOptions options, ILogger<HttpSession> logger)
    {
        options.Validate();
        _next = next;
        _client = client;
        _options = options;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (BodyIsTooLarge(context))
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, BodyTooLarge()).ConfigureAwait(false);
            return;
        }

        var session = new HttpSession(context, _client.Value, _options, _logger, PresentedId(context));
        try
        {
            await session.LoadAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The request goes on without its session (IsAvailable is false), as with ASP.NET Core's own.
            _logger.LogError(e, "The session could not be loaded; this request runs without it.");
        }

        context.Response.OnStarting(() => BeforeResponseAsync(session));

        var feature = new SessionFeature { Session = session };
        context.Features.Set<ISessionFeature>(feature);
        context.Features.Set(session);
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (SessionLimitExceededException e)
        {
            session.DiscardChanges();
            await RefuseAsync(context, e.StatusCode, e.Message).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            session.DiscardChanges();
            await RefuseAsync(context, e.StatusCode, BodyTooLarge()).ConfigureAwait(false);
        }
        catch
        {
            // A failed request stores none of its changes: half a request's writes are worse than none.
            session.DiscardChanges();
            throw;
        }
        finally
        {
            context.Features.Set<ISessionFeature?>(null);
            context.Features.Set<HttpSession?>(null);
        }

        // Changes made after the response started (streamed bodies) are stored here.
        await CommitLoggedAsync(session).ConfigureAwait(false);
    }

    private async Task BeforeResponseAsync(HttpSession session)
    {
        await CommitLoggedAsync(session).ConfigureAwait(false);
        session.WriteCookie();
    }

    private async Task CommitLoggedAsync(HttpSession session)
    {
        try
        {
            await session.CommitAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "The session changes of this request could not be stored.");
        }
    }

    private string? PresentedId(HttpContext context)
    {
        var value = context.Request.Cookies[_options.Cookie.Name!];

        // Anything that cannot be an id the container issued is no cookie at all: it costs no message.
        return string.IsNullOrEmpty(value) || value.Length > SessionSettings.MaxSessionIdLength ? null : value;
    }

    private bool BodyIsTooLarge(HttpContext context)
    {
        if (_options.MaxRequestBodyBytes is not { } limit)
        {
            return false;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        // Refused before the endpoint runs when the length is declared; a chunked body is stopped by the
        // server's limit set above as it is read.
        return context.Request.ContentLength > limit;
    }

    private string BodyTooLarge() => $"The request body is larger than {_options.MaxRequestBodyBytes} bytes, the limit. Nothing was stored.";

    private async Task RefuseAsync(HttpContext context, int statusCode, string message)
    {
        if (context.Response.HasStarted)
        {
            _logger.LogWarning("Refused a session write after the response had started ({StatusCode}): {Message}", statusCode, message);
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message).ConfigureAwait(false);
    }
}
