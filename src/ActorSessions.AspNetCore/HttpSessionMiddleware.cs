using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.Logging;

namespace ActorSessions.AspNetCore;

/// <summary>
/// Serves each request's session from the container: loads it when the request carries the cookie, exposes
/// it as <see cref="ISessionFeature"/> and <see cref="HttpSession"/>, commits the changes before the
/// response starts (so the next request sees them) and sets or deletes the cookie when needed.
/// </summary>
/// <remarks>
/// A response in the 2xx range means every change the request made to its session is stored. A request
/// whose changes could not be stored is answered 503 with <c>Retry-After</c> (409 when another request
/// ended or renewed the session meanwhile, 429 when the client created too many sessions), never with what
/// the endpoint meant to send; when the response had already started (a streamed body), the connection is
/// aborted instead of completed as a success.
/// </remarks>
internal sealed class HttpSessionMiddleware
{
    private readonly RequestDelegate _next;
    private readonly Lazy<ISessionClient> _client;
    private readonly ActorSessionsHttpOptions _options;
    private readonly ILogger<HttpSession> _logger;
    private readonly PartitionedRateLimiter<HttpContext>? _newSessions;
    private readonly IProblemDetailsService? _problems;

    public HttpSessionMiddleware(
        RequestDelegate next,
        Lazy<ISessionClient> client,
        ActorSessionsHttpOptions options,
        ILogger<HttpSession> logger,
        PartitionedRateLimiter<HttpContext>? newSessions,
        IProblemDetailsService? problems)
    {
        options.Validate();
        _next = next;
        _client = client;
        _options = options;
        _logger = logger;
        _newSessions = newSessions;
        _problems = problems;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (BodyIsTooLarge(context))
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, BodyTooLarge(), retryAfter: null).ConfigureAwait(false);
            return;
        }

        var session = new HttpSession(context, _client.Value, _options, PresentedId(context), _newSessions);
        try
        {
            await session.LoadAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Reading is not writing: the request goes on without its session (IsAvailable is false), as with
            // ASP.NET Core's own; a write to it is refused with 503.
            Log.LoadFailed(_logger, e);
        }

        context.Response.OnStarting(static state => BeforeResponseAsync((HttpSession)state), session);

        var feature = new SessionFeature { Session = session };
        context.Features.Set<ISessionFeature>(feature);
        context.Features.Set(session);
        Exception? refusal = null;
        try
        {
            await _next(context).ConfigureAwait(false);
            if (session.Gate is { } gate)
            {
                // What the endpoint wrote and did not flush goes out now, once its changes are stored.
                await gate.FlushPendingAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (IsRefusal(e))
        {
            refusal = e;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            refusal = new SessionLimitExceededException(BodyTooLarge(), StatusCodes.Status413PayloadTooLarge);
        }
        catch
        {
            // A failed request stores none of its changes: half a request's writes are worse than none.
            session.DiscardChanges();
            throw;
        }
        finally
        {
            // Put the body back only if it is still the gate: a middleware between here and the endpoint
            // that swapped the body itself (response compression) has already put back its own.
            if (session.Gate is { } gate && ReferenceEquals(context.Features.Get<IHttpResponseBodyFeature>(), gate))
            {
                context.Features.Set(gate.Inner);
            }

            context.Features.Set<ISessionFeature?>(null);
            context.Features.Set<HttpSession?>(null);
        }

        if (refusal is not null)
        {
            session.Refuse(refusal);
        }
        else if (!context.Response.HasStarted)
        {
            // Responses without a body (204, redirects) are still unsent: their changes are stored here.
            await session.TryCommitBeforeResponseAsync().ConfigureAwait(false);
        }
        else if (session.Refusal is null)
        {
            // Changes made after the response started (streamed bodies) are stored here.
            try
            {
                await session.CommitAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (IsRefusal(e) || e is InvalidOperationException)
            {
                session.Refuse(e);
            }
        }

        if (session.Refusal is { } reason)
        {
            await AnswerRefusalAsync(context, reason).ConfigureAwait(false);
        }
    }

    private static bool IsRefusal(Exception e) =>
        e is SessionUnavailableException or SessionConflictException or SessionLimitExceededException or SessionStoreUnavailableException;

    private static async Task BeforeResponseAsync(HttpSession session)
    {
        // Normally the changes are stored by now (the gate held the body back); this catches a response
        // started past the gate, e.g. through a writer taken before the first change. A failure can still
        // change the status, and the middleware then aborts the connection rather than finish the body.
        if (!await session.TryCommitBeforeResponseAsync().ConfigureAwait(false))
        {
            SetRefusalHead(session.Response, session.Refusal!);
            return;
        }

        session.WriteCookie();
    }

    private async Task AnswerRefusalAsync(HttpContext context, Exception reason)
    {
        var (status, message, retryAfter) = reason switch
        {
            SessionLimitExceededException limit => (limit.StatusCode, limit.Message, limit.RetryAfter),
            SessionConflictException conflict => (StatusCodes.Status409Conflict, conflict.Message, (TimeSpan?)null),
            _ => (StatusCodes.Status503ServiceUnavailable, "The session could not be stored; nothing was changed. Try again shortly.", _options.UnavailableRetryAfter),
        };

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            Log.CommitFailed(_logger, reason);
        }

        if (context.Response.HasStarted)
        {
            // The status line is gone: finishing the body would pass for a success.
            Log.AbortedAfterStart(_logger, status);
            context.Abort();
            return;
        }

        await RefuseAsync(context, status, message, retryAfter).ConfigureAwait(false);
    }

    private static void SetRefusalHead(HttpResponse response, Exception reason)
    {
        response.StatusCode = reason switch
        {
            SessionLimitExceededException limit => limit.StatusCode,
            SessionConflictException => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status503ServiceUnavailable,
        };
        response.Headers.CacheControl = "no-store";
        response.Headers.ContentLength = null;
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

    /// <summary>Answers with the app's ProblemDetails when it has them, else with plain text; either way without a stack trace.</summary>
    private async Task RefuseAsync(HttpContext context, int statusCode, string message, TimeSpan? retryAfter)
    {
        context.Response.Clear();
        context.Response.StatusCode = statusCode;
        context.Response.Headers.CacheControl = "no-store";
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (_problems is not null && await _problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails { Status = statusCode, Detail = message },
            }).ConfigureAwait(false))
        {
            return;
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message).ConfigureAwait(false);
    }
}
