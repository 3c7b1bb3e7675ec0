using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PocDirectory.IntegrationTests.Access;

/// <summary>
/// Behind a TLS terminator, with the public entries' own building blocks in a host of their own:
/// forwarded headers believed from the configured proxy only, HSTS over https, Secure cookies for an
/// https origin.
/// </summary>
public sealed class TransportSecurityTests
{
    private const string Proxy = "192.0.2.10";

    [Fact]
    public async Task Behind_a_known_proxy_the_browser_and_https_are_believed_HSTS_is_sent_and_every_cookie_is_Secure()
    {
        await using var app = await StartAsync("https://directory.example.org/", new() { [TransportSecurity.KnownProxiesKey] = Proxy });

        var viaProxy = await SendAsync(app, from: Proxy, forwardedFor: "198.51.100.7", forwardedProto: "https");
        Assert.Equal("198.51.100.7 https", viaProxy.Body);
        Assert.StartsWith("max-age=31536000", viaProxy.Headers["Strict-Transport-Security"].ToString());
        Assert.All(viaProxy.Headers.SetCookie, cookie => Assert.Contains("secure", cookie!, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(2, viaProxy.Headers.SetCookie.Count); // the session and the antiforgery cookie

        // Anyone else writing the same headers is not believed: its own address, plain HTTP, no HSTS.
        var forged = await SendAsync(app, from: "203.0.113.50", forwardedFor: "198.51.100.7", forwardedProto: "https");
        Assert.Equal("203.0.113.50 http", forged.Body);
        Assert.False(forged.Headers.ContainsKey("Strict-Transport-Security"));
        // The session cookie stays Secure whatever the request said (the origin people use is https); the
        // antiforgery cookie follows the request, since ASP.NET would refuse every form over HTTP with it forced.
        Assert.Contains("secure", Assert.Single(forged.Headers.SetCookie, c => c!.StartsWith(".AspNetCore.Cookies", StringComparison.Ordinal))!, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", Assert.Single(forged.Headers.SetCookie, c => c!.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal))!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_known_network_is_believed_and_only_for_the_last_hop()
    {
        await using var app = await StartAsync("https://directory.example.org/", new() { [TransportSecurity.KnownNetworksKey] = "10.1.0.0/16" });
        // A client wrote its own X-Forwarded-For before the proxy added the real one: only the proxy's entry counts.
        var response = await SendAsync(app, from: "10.1.2.3", forwardedFor: "1.2.3.4, 198.51.100.8", forwardedProto: "https");
        Assert.Equal("198.51.100.8 https", response.Body);
    }

    [Fact]
    public async Task With_no_proxy_named_forwarded_headers_are_ignored_and_on_plain_HTTP_cookies_are_not_Secure()
    {
        await using var app = await StartAsync("http://localhost:18400/", []);
        var response = await SendAsync(app, from: "127.0.0.1", forwardedFor: "198.51.100.7", forwardedProto: "https");
        Assert.Equal("127.0.0.1 http", response.Body);
        Assert.False(response.Headers.ContainsKey("Strict-Transport-Security"));
        Assert.Equal(2, response.Headers.SetCookie.Count);
        Assert.All(response.Headers.SetCookie, cookie => Assert.DoesNotContain("secure", cookie!, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies", "10.0.0.300")]
    [InlineData("ForwardedHeaders:KnownNetworks", "10.0.0.0")]
    public async Task A_proxy_setting_that_is_not_an_address_stops_the_start_with_its_name(string key, string value)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync("https://directory.example.org/", new() { [key] = value }));
        Assert.Contains(key, error.Message);
        Assert.Contains(value, error.Message);
    }

    private static async Task<WebApplication> StartAsync(string publicOrigin, Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }
        builder.AddSecureCookies(new Uri(publicOrigin));
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddAntiforgery();
        var app = builder.Build();
        app.UseTrustedProxies();
        app.UseSecurityHeaders(SecurityHeaderPolicies.Api());
        app.MapGet("/", async (HttpContext http, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery) =>
        {
            await http.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "someone")], "test")));
            antiforgery.GetAndStoreTokens(http);
            return $"{http.Connection.RemoteIpAddress} {http.Request.Scheme}";
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    private static async Task<(string Body, IHeaderDictionary Headers)> SendAsync(WebApplication app, string from, string forwardedFor, string forwardedProto)
    {
        var context = await app.GetTestServer().SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Parse(from);
            c.Request.Method = "GET";
            c.Request.Path = "/";
            c.Request.Host = new HostString("directory.example.org");
            c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            c.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
        });
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        using var reader = new StreamReader(context.Response.Body);
        return (await reader.ReadToEndAsync(), context.Response.Headers);
    }
}
