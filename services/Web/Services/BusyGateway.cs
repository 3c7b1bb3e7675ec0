using System.Net;
using Microsoft.AspNetCore.Diagnostics;

namespace PocDirectory.Web.Services;

/// <summary>
/// When the gateway refuses a call for too many requests (429), the person sees a page that says so,
/// with the same status and Retry-After, instead of a server error.
/// </summary>
public sealed class BusyGateway : IExceptionHandler
{
    /// <summary>
    /// A call through the gateway that got no usable answer (the service down, the call timed out, a body that is not
    /// what it should be): the page says so and assumes nothing done. A 429 is not one of them: it reaches the person
    /// as the 429 page below.
    /// </summary>
    public static bool Unanswered(Exception ex) =>
        ex is HttpRequestException { StatusCode: not HttpStatusCode.TooManyRequests } or TaskCanceledException or System.Text.Json.JsonException;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not HttpRequestException { StatusCode: HttpStatusCode.TooManyRequests } || http.Response.HasStarted)
        {
            return false;
        }
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = "60";
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Too many requests — PoC Directory</title></head>
            <body><main><h1>Too many requests</h1>
            <p role="alert">This browser has sent more requests in the last minute than the directory answers. Wait a minute, then reload the page.</p>
            <p><a href="/">Back to the start page</a></p></main></body></html>
            """, cancellationToken);
        return true;
    }
}
