using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace PocDirectory;

/// <summary>
/// A request the server could not read — a body that is not JSON, JSON of the wrong shape (a string
/// where an object belongs, a lone surrogate, nesting beyond the limit), a required body missing — is
/// the caller's error: a problem details answer with its 4xx status, never a 500. Whatever the host's
/// environment, minimal APIs then throw <see cref="BadHttpRequestException"/> and this answers it.
/// </summary>
public sealed class RequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || http.Response.HasStarted)
        {
            return false;
        }
        http.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "The request is too large.",
                    StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
                    _ => "The request cannot be read.",
                },
                // The framework's message names the parameter and what was wrong with it, never the body's content.
                Detail = bad.StatusCode == StatusCodes.Status400BadRequest
                    ? "The body must be a JSON object of the documented shape. " + bad.Message
                    : bad.Message,
            },
        });
    }
}
