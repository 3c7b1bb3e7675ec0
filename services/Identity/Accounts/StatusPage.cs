using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Diagnostics;

namespace PocDirectory.Identity.Accounts;

/// <summary>
/// What a browser sees for a request to Identity that ended in an error without a body: a sign-in request OpenIddict
/// refused with no way back to the client (its status code pages integration), an address that does not exist, a page
/// for signed-in people. A page in Identity's style, with its title and language, what happened in words, and a way back.
/// </summary>
public static class StatusPage
{
    public static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var code = http.Response.StatusCode;
        var detail = http.GetOpenIddictServerResponse()?.ErrorDescription;
        var (heading, explanation) = code switch
        {
            _ when detail is not null => ("This sign-in link cannot be used",
                "The request to sign in was not valid: it may be old, copied incompletely, or not from the directory. Start again from the directory's Sign in button."),
            401 or 403 => ("Not available to you", "This address is for signed-in people or for the directory's services. Sign in from the directory, or ask the Secretariat."),
            404 or 405 => ("Page not found", "There is nothing at this address. Check it for a typing mistake, or start again from the directory."),
            429 => ("Too many requests", "This browser has sent more requests than the sign-in service answers. Wait a minute, then try again."),
            _ => ("Something went wrong", "The page could not be shown. Try again in a moment; if it keeps happening, tell the directory manager."),
        };
        var html = HtmlEncoder.Default;
        var web = AccountPages.WebUrl(http.RequestServices.GetRequiredService<IConfiguration>());
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1.0"><meta name="referrer" content="no-referrer">
            <title>{html.Encode(heading)} · Global POC Directory</title>
            <link rel="icon" href="/account/favicon.ico"><link rel="stylesheet" href="/account/identity.css"></head>
            <body>
            <header class="site-header"><div class="wrap"><span class="brand"><span class="brand-mark" aria-hidden="true">POC</span>
            <span><strong>Global POC Directory</strong><small>Account and sign-in</small></span></span></div></header>
            <main id="main" class="wrap narrow" data-testid="problem-page" data-status="{code}">
            <h1>{html.Encode(heading)}</h1>
            <p>{html.Encode(explanation)}</p>
            {(detail is null ? "" : $"<p>What the sign-in service found: <span dir=\"auto\">{html.Encode(detail)}</span></p>")}
            {(web is null ? "" : $"<p><a class=\"button\" href=\"{html.Encode(web)}\">Back to the directory</a></p>")}
            </main>
            </body>
            </html>
            """, http.RequestAborted);
    }
}
