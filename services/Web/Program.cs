using Microsoft.Extensions.DependencyInjection.Extensions;
using PocDirectory.Web.Components;
using PocDirectory.Web.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(publicEntry: true);
// The Web's pages are public or ask for sign-in themselves; sessions and tokens are its own (not bearer tokens).
builder.AddWebSessions();
builder.Services.AddRazorComponents();
builder.Services.AddGatewayClients(builder.Configuration);
builder.Services.AddExceptionHandler<BusyGateway>();
// The Operations page reads Prometheus' query API (its own queries only), when one is given.
builder.Services.AddHttpClient<PrometheusClient>(http =>
{
    if (builder.Configuration.GetConnectionString(PocDirectory.ResourceNames.Prometheus) is { Length: > 0 } prometheus)
    {
        http.BaseAddress = new Uri(prometheus.TrimEnd('/') + "/");
    }
    http.Timeout = TimeSpan.FromSeconds(10);
});
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddTransient<OperationsReport>();

var app = builder.Build();

app.UseTrustedProxies(); // behind a TLS terminator: the browser and scheme it saw, from configured proxies only

// Sign-in redirects to Identity through the gateway: forms may lead there.
app.UseSecurityHeaders(SecurityHeaderPolicies.Page(AuthenticationExtensions.Issuer(app.Configuration).GetLeftPart(UriPartial.Authority)));
app.MapDefaultEndpoints(authenticateEveryRequest: true, trustForwardedFor: false, browserErrors: pages => pages.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true), errorPage: "/error"); // every page shows who is signed in; the OIDC callbacks run here
// Pages shown to a signed-in person hold confidential data (and, once, secrets): never stored by a browser or proxy.
app.Use((context, next) =>
{
    context.Response.OnStarting(() =>
    {
        if (context.User.Identity?.IsAuthenticated == true)
        {
            context.Response.Headers.CacheControl = "no-store";
        }
        return Task.CompletedTask;
    });
    return next(context);
});
app.UseAntiforgery();
app.MapStaticAssets();
app.MapSignInEndpoints();
// Exports come from the Directory with the person's token and go to the browser as a download. A form post
// with the antiforgery token (checked by UseAntiforgery for these form-bound endpoints): no other site can start one.
app.MapPost("/directory/export", async (IFormCollection form, HttpContext http, DirectoryClient directory) =>
{
    var query = QueryString.Create(ExportFields.Names.Where(form.ContainsKey).Select(name => new KeyValuePair<string, string?>(name, form[name].ToString())));
    using var response = await directory.ExportAsync(query.Value ?? "", http.RequestAborted);
    await CopyDownloadAsync(response, http);
}).RequireAuthorization().WithMetadata(new Microsoft.AspNetCore.Antiforgery.RequireAntiforgeryTokenAttribute());
// One entry as a vCard, for an address book: a form post with the antiforgery token, as the export.
app.MapPost("/directory/{id:guid}/vcard", async (Guid id, IFormCollection form, HttpContext http, DirectoryClient directory) =>
{
    using var response = await directory.EntryCardAsync(id, http.RequestAborted);
    await ForwardFileAsync(response, http, "point-of-contact.vcf");
}).RequireAuthorization().WithMetadata(new Microsoft.AspNetCore.Antiforgery.RequireAntiforgeryTokenAttribute());
// An entry's OpenPGP public key as a file to import (read, and audited, as the entry is).
app.MapPost("/directory/{id:guid}/key", async (Guid id, IFormCollection form, HttpContext http, DirectoryClient directory) =>
{
    var (entry, refusal) = await directory.EntryAsync(id, http.RequestAborted);
    if (entry?.Details.PgpKey is not { } key)
    {
        return Results.StatusCode(refusal?.Status ?? StatusCodes.Status404NotFound);
    }
    http.Response.Headers.XContentTypeOptions = "nosniff";
    return Results.File(System.Text.Encoding.ASCII.GetBytes(key.Armored), "application/pgp-keys", $"{key.Fingerprint.Replace(" ", "")}.asc");
}).RequireAuthorization().WithMetadata(new Microsoft.AspNetCore.Antiforgery.RequireAntiforgeryTokenAttribute());
// The same for a ping test's results (the directory manager's). The form is bound though unused: a body that is
// not a form (a cross-site text/plain post) then fails binding instead of passing without an antiforgery check.
app.MapPost("/ping/campaigns/{id:guid}/export", async (Guid id, IFormCollection form, HttpContext http, PingClient ping) =>
{
    using var response = await ping.ExportAsync(id, http.RequestAborted);
    await CopyDownloadAsync(response, http);
}).RequireAuthorization().WithMetadata(new Microsoft.AspNetCore.Antiforgery.RequireAntiforgeryTokenAttribute());
// A meeting's participants as CSV, the Secretariat's (the service refuses anyone else and records the export): a form post, as the directory's export.
app.MapPost("/meetings/{id:guid}/participants/export", async (Guid id, IFormCollection form, HttpContext http, MeetingClient meetings) =>
{
    using var response = await meetings.ParticipantsCsvAsync(id, http.RequestAborted);
    await CopyDownloadAsync(response, http);
}).RequireAuthorization().WithMetadata(new Microsoft.AspNetCore.Antiforgery.RequireAntiforgeryTokenAttribute());
// A meeting's document as a download, fetched with the person's token when one is signed in (the documents of
// a meeting off the public schedule are for signed-in people); the public ones for anyone.
app.MapGet("/meetings/{id:guid}/documents/{documentId:guid}/file", async (Guid id, Guid documentId, HttpContext http, MeetingClient meetings) =>
{
    using var response = await meetings.DocumentFileAsync(id, documentId, http.RequestAborted);
    await ForwardFileAsync(response, http, "document");
}).AllowAnonymous();
// A proposal's document under silence, as public as the proposal (the service decides, with the person's token when one is signed in).
app.MapGet("/silence/{id:guid}/documents/{version:int}/file", async (Guid id, int version, HttpContext http, SilenceClient silence) =>
{
    using var response = await silence.DocumentFileAsync(id, version, http.RequestAborted);
    await ForwardFileAsync(response, http, "document");
}).AllowAnonymous();
// An objection's file, for signed-in people as the objections are.
app.MapGet("/silence/{id:guid}/objections/{objectionId:guid}/file", async (Guid id, Guid objectionId, HttpContext http, SilenceClient silence) =>
{
    using var response = await silence.ObjectionFileAsync(id, objectionId, http.RequestAborted);
    await ForwardFileAsync(response, http, "objection");
}).RequireAuthorization();
// The list of accredited stakeholders as CSV, for anyone.
app.MapGet("/stakeholders/accredited.csv", async (HttpContext http, StakeholderClient stakeholders) =>
{
    using var response = await stakeholders.AccreditedCsvAsync(http.RequestAborted);
    http.Response.Headers.ContentDisposition = "attachment; filename=accredited-stakeholders.csv";
    http.Response.Headers.XContentTypeOptions = "nosniff";
    await CopyDownloadAsync(response, http);
}).AllowAnonymous();
// An applicant's letter on letterhead, for the Secretariat and the Chair's office (the service checks): a download, never rendered here.
app.MapGet("/stakeholders/applications/{id:guid}/letter", async (Guid id, HttpContext http, StakeholderClient stakeholders) =>
{
    using var response = await stakeholders.LetterAsync(id, http.RequestAborted);
    await ForwardFileAsync(response, http, "letter.pdf");
}).RequireAuthorization();
app.MapRazorComponents<App>();

app.Run();

// A stored file the service sent (or its refusal), passed on as a download: whatever the service said, never rendered in the Web's origin.
static async Task ForwardFileAsync(HttpResponseMessage response, HttpContext http, string fallbackName)
{
    http.Response.Headers.XContentTypeOptions = "nosniff";
    http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
    if (response.Headers.ETag is { } tag)
    {
        http.Response.Headers.ETag = tag.ToString();
    }
    // A restricted file stays out of the browser's cache, as the service said ("private, no-store").
    if (response.Headers.CacheControl is { } cache)
    {
        http.Response.Headers.CacheControl = cache.ToString();
    }
    if (response.IsSuccessStatusCode)
    {
        response.Content.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("attachment")
        {
            FileName = response.Content.Headers.ContentDisposition?.FileName ?? fallbackName,
            FileNameStar = response.Content.Headers.ContentDisposition?.FileNameStar,
        };
    }
    await CopyDownloadAsync(response, http);
}

static async Task CopyDownloadAsync(HttpResponseMessage response, HttpContext http)
{
    http.Response.StatusCode = (int)response.StatusCode;
    http.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "text/plain";
    if (response.Content.Headers.ContentDisposition is { } disposition)
    {
        http.Response.Headers.ContentDisposition = disposition.ToString();
    }
    await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
}

/// <summary>The search filters an export form may carry, and its format: nothing else reaches the Directory's query.</summary>
static class ExportFields
{
    public static readonly string[] Names = ["q", "state", "regionalGroup", "type", "language", "available247", "format"];
}
