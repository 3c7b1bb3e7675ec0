using Microsoft.AspNetCore.Builder;

namespace Microsoft.Extensions.Hosting;

/// <summary>Headers every answer carries (OWASP secure headers), for the Gateway and the Web alike.</summary>
public static class SecurityHeadersExtensions
{
    /// <summary>Nothing may be loaded or framed: right for JSON APIs.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>Pages load their own styles, images and forms only; no scripts from anywhere else.</summary>
    public const string PagePolicy = "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, string contentSecurityPolicy) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers["X-Content-Type-Options"] = "nosniff";
            headers["X-Frame-Options"] = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Content-Security-Policy"] = contentSecurityPolicy;
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            headers.Remove("Server");
            return Task.CompletedTask;
        });
        await next();
    });
}
