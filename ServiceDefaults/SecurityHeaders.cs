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

    /// <summary>Pages load their own styles, images and forms only; no scripts from anywhere else.</summary>
    public static HeaderPolicyCollection Page() => Common().AddContentSecurityPolicy(csp =>
    {
        csp.AddDefaultSrc().Self();
        csp.AddImgSrc().Self().Data();
        csp.AddFormAction().Self();
        csp.AddFrameAncestors().None();
        csp.AddBaseUri().Self();
    });

    private static HeaderPolicyCollection Common() => new HeaderPolicyCollection()
        .AddContentTypeOptionsNoSniff()
        .AddFrameOptionsDeny()
        .AddReferrerPolicyNoReferrer()
        .AddCrossOriginResourcePolicy(policy => policy.SameOrigin())
        .RemoveServerHeader();
}
