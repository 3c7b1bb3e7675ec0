using PocDirectory;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Apis;
using PocDirectory.Identity.Commands;
using PocDirectory.Identity.Extensions;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Tokens;

if (IdentityCommands.IsCommand(args))
{
    return await IdentityCommands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddSecureCookies(AuthenticationExtensions.Issuer(builder.Configuration)); // people reach Identity's pages at the gateway's origin

var app = builder.Build();

await app.MigrateDatabaseAsync<PocIdentityDbContext>();
await app.SeedScopesAsync();
await app.SeedRolesAsync();
await app.RegisterWebClientAsync();

// Identity's pages (sign-in, invitation, enrolment, account) carry page headers; everything else the API ones.
// A sign-in form's redirects end at the Web, under either of its loopback names on this machine.
var pageHeaders = SecurityHeaderPolicies.Page(AccountPages.WebUrl(app.Configuration) is { } web
    ? [.. WebClientRegistration.LoopbackAliases(new Uri(web + "/")).Select(u => u.GetLeftPart(UriPartial.Authority))]
    : []);
var apiHeaders = SecurityHeaderPolicies.Api();
app.UseWhen(context => SecurityHeaderPolicies.IsIdentityPage(context.Request.Path), branch => branch
    .UseSecurityHeaders(pageHeaders)
    // Keys, recovery codes, invitation details: never kept by a browser or proxy.
    .Use((context, next) =>
    {
        context.Response.Headers.CacheControl = "no-store";
        return next(context);
    }));
app.UseWhen(context => !SecurityHeaderPolicies.IsIdentityPage(context.Request.Path), branch => branch.UseSecurityHeaders(apiHeaders));
// The token server answers from the authentication step; a browser's error is a page.
app.MapDefaultEndpoints(authenticateEveryRequest: true, browserErrors: pages => pages.UseStatusCodePages(StatusPage.WriteAsync));
app.UseAntiforgery();
app.MapStaticAssets().AllowAnonymous();
app.MapRazorPages();
app.MapTokenApi();
app.MapAuthorizationApi();
app.MapUsersApi();
app.MapAuditApi();
app.MapMachineClientsApi();

// Once the metrics are collected (a measurement before that is lost).
app.Lifetime.ApplicationStarted.Register(PocDirectory.Identity.Accounts.SignInSteps.StartCounting);
app.Run();
return 0;
