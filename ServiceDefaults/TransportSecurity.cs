using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Behind a TLS terminator (an ingress, a load balancer): the public entries (gateway, Web) believe
/// X-Forwarded-For and X-Forwarded-Proto only from the proxies named in
/// <c>ForwardedHeaders:KnownProxies</c> (addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR
/// ranges), comma-separated; with none named, nobody's. When the public origin is https, every cookie
/// is Secure, and answers over https carry Strict-Transport-Security (<see cref="SecurityHeaderPolicies"/>).
/// </summary>
public static class TransportSecurity
{
    public const string KnownProxiesKey = "ForwardedHeaders:KnownProxies";
    public const string KnownNetworksKey = "ForwardedHeaders:KnownNetworks";

    /// <summary>Secure cookies whenever people reach the origin over https; else as the request came (plain HTTP on loopback).</summary>
    public static CookieSecurePolicy CookiePolicy(Uri publicOrigin) =>
        publicOrigin.Scheme == Uri.UriSchemeHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

    /// <summary>
    /// The session cookies of every scheme (sessions, sign-in steps) follow <see cref="CookiePolicy"/> for
    /// <paramref name="publicOrigin"/>. The antiforgery cookie is Secure whenever the request came over
    /// https: ASP.NET refuses to serve a form at all over plain HTTP with it forced, and one proxy left
    /// unconfigured must not take every form down (the cookie is useless without the form's own token).
    /// </summary>
    public static IHostApplicationBuilder AddSecureCookies(this IHostApplicationBuilder builder, Uri publicOrigin)
    {
        var policy = CookiePolicy(publicOrigin);
        builder.Services.ConfigureAll<CookieAuthenticationOptions>(options => options.Cookie.SecurePolicy = policy);
        builder.Services.Configure<AntiforgeryOptions>(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        return builder;
    }

    /// <summary>
    /// The proxies a public entry believes, from configuration; null when none is named. A value that is
    /// not an address or a range stops the start with its name: a typo must not trust nobody silently.
    /// </summary>
    public static ForwardedHeadersOptions? TrustedProxies(IConfiguration configuration)
    {
        var proxies = Split(configuration[KnownProxiesKey]);
        var networks = Split(configuration[KnownNetworksKey]);
        if (proxies.Length == 0 && networks.Length == 0)
        {
            return null;
        }
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = 1, // the proxy's own entry: what a client wrote before it is not believed
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        AddConfigured(options, proxies, networks);
        return options;
    }

    /// <summary>
    /// For a service behind the gateway: the gateway's X-Forwarded-For and X-Forwarded-Proto, believed from
    /// loopback (the gateway on this machine) and from the configured proxies (in a cluster, the gateway's
    /// pods: <c>ForwardedHeaders__KnownNetworks</c> set to their range).
    /// </summary>
    public static ForwardedHeadersOptions GatewayHeaders(IConfiguration configuration)
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
        };
        AddConfigured(options, Split(configuration[KnownProxiesKey]), Split(configuration[KnownNetworksKey]));
        return options;
    }

    private static void AddConfigured(ForwardedHeadersOptions options, string[] proxies, string[] networks)
    {
        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                ? address
                : throw new InvalidOperationException($"{KnownProxiesKey}: '{proxy}' is not an IP address."));
        }
        foreach (var network in networks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var range)
                ? range
                : throw new InvalidOperationException($"{KnownNetworksKey}: '{network}' is not a CIDR range such as 10.0.0.0/8."));
        }
    }

    /// <summary>First in a public entry's pipeline: the client and scheme as the trusted proxy saw them, if one is configured.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (TrustedProxies(app.Configuration) is { } options)
        {
            app.UseForwardedHeaders(options);
        }
        return app;
    }

    private static string[] Split(string? value) =>
        (value ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
