using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace ActorSessions.Server.Pages;

/// <summary>
/// Reads the form of a form endpoint before it runs, so a body that is no form (415) or breaks the form
/// limits (400) is refused with a plain message instead of an exception. The page posts
/// <c>application/x-www-form-urlencoded</c> only, so nothing else is accepted (no multipart, no files).
/// </summary>
internal static class FormBody
{
    /// <summary>The most fields a form may have; the page's have two.</summary>
    public const int MaxFields = 32;

    /// <summary>The longest field name; the page's are <c>key</c> and <c>value</c>.</summary>
    public const int MaxFieldNameLength = 256;

    /// <summary>The limits of every form the server reads.</summary>
    public static void Limit(FormOptions options)
    {
        options.ValueCountLimit = MaxFields;
        options.KeyLengthLimit = MaxFieldNameLength;
    }

    /// <summary>Refuses a request to the endpoint whose body is not a form within the limits.</summary>
    public static RouteHandlerBuilder RequireForm(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(static async (invocation, next) =>
        {
            var request = invocation.HttpContext.Request;
            if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
                || !type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            {
                return Results.Text("The form must be sent as application/x-www-form-urlencoded.", statusCode: StatusCodes.Status415UnsupportedMediaType);
            }

            try
            {
                // The endpoint's own ReadFormAsync gets this form again, read once.
                await request.ReadFormAsync(invocation.HttpContext.RequestAborted);
            }
            catch (InvalidDataException)
            {
                return Results.Text(
                    $"The form cannot be read: it may have at most {MaxFields} fields, each name at most {MaxFieldNameLength} characters.",
                    statusCode: StatusCodes.Status400BadRequest);
            }
            catch (BadHttpRequestException e) when (e.StatusCode != StatusCodes.Status413PayloadTooLarge)
            {
                // 413 is left to the session middleware, which says what the limit is.
                return Results.Text("The form cannot be read.", statusCode: e.StatusCode);
            }

            return await next(invocation);
        });
}
