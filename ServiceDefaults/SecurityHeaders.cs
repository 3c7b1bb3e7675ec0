using Microsoft.AspNetCore.Builder;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Headers every answer carries (OWASP secure headers), for the Gateway and the Web alike, written by
/// NetEscapades.AspNetCore.SecurityHeaders: <c>app.UseSecurityHeaders(SecurityHeaderPolicies.Api())</c>.
/// </summary>
public static class SecurityHeaderPolicies
{
    /// <summary>Nothing may be loaded or framed: right for JSON APIs.</summary>
    public static HeaderPolicyCollection Api() => Common().AddContentSecurityPolicy(csp =>
    {
        csp.AddDefaultSrc().None();
        csp.AddFrameAncestors().None();
    });

    /// <summary>
    /// Pages load their own styles, images and forms only; no scripts from anywhere else. A form may
    /// also lead to <paramref name="formTargets"/> (origins a sign-in form's redirects end at).
    /// </summary>
    public static HeaderPolicyCollection Page(params string[] formTargets) => Common().AddContentSecurityPolicy(csp =>
    {
        csp.AddDefaultSrc().Self();
        csp.AddImgSrc().Self().Data();
        var forms = csp.AddFormAction().Self();
        foreach (var target in formTargets)
        {
            forms.From(target);
        }
        csp.AddFrameAncestors().None();
        csp.AddBaseUri().Self();
    });

    /// <summary>Only Strict-Transport-Security (over https): for answers whose other headers another service sets.</summary>
    public static HeaderPolicyCollection TransportOnly() => new HeaderPolicyCollection().AddStrictTransportSecurityMaxAge(maxAgeInSeconds: HstsMaxAge);

    private const int HstsMaxAge = 365 * 24 * 60 * 60;

    /// <summary>
    /// Identity's pages, served through the gateway: the account pages and the browser steps of
    /// OpenID Connect (authorize, end session). They carry page headers; everything else API headers.
    /// </summary>
    public static bool IsIdentityPage(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/account") || path.StartsWithSegments("/connect/authorize") || path.StartsWithSegments("/connect/endsession");

    private static HeaderPolicyCollection Common() => new HeaderPolicyCollection()
        .AddContentTypeOptionsNoSniff()
        .AddFrameOptionsDeny()
        .AddReferrerPolicyNoReferrer()
        // Sent over https only (the library's rule): a year, for the public origin's host alone.
        .AddStrictTransportSecurityMaxAge(maxAgeInSeconds: HstsMaxAge)
        .AddCrossOriginResourcePolicy(policy => policy.SameOrigin())
        .RemoveServerHeader();
}
