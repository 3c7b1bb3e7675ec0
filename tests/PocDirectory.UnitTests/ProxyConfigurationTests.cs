using Microsoft.Extensions.Configuration;
using PocDirectory.Gateway.Extensions;

namespace PocDirectory.UnitTests;

public sealed class ProxyConfigurationTests
{
    [Fact]
    public void Each_referenced_service_gets_its_api_route_and_address()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:directory:http:0"] = "http://127.0.0.1:5001",
            ["services:meetings:http:0"] = "http://127.0.0.1:5004",
        }).Build();

        var (routes, clusters) = ProxyConfiguration.Build(configuration);

        Assert.Equal(
            ["directory", "member-states", "directory-openapi", "ping-acknowledgement", "meetings", "meetings-schedule", "meetings-schedule-feed", "meeting",
                "meeting-file", "meetings-openapi", "letters", "letter", "letter-acknowledgement", "silence-procedures", "silence-procedure", "silence-documents", "stakeholders-accredited", "stakeholder-confirmation", "stakeholder-rounds", "stakeholder-registrations", "meeting-documents", "meetings-feed", "meeting-document-uploads", "meeting-document-versions", "silence-document-uploads", "silence-objection-files", "stakeholder-applications"],
            routes.Select(r => r.RouteId));
        Assert.Equal("/api/directory/{**rest}", routes[0].Match.Path);
        Assert.Null(routes[0].AuthorizationPolicy); // the fallback: a valid token
        Assert.Equal(ProxyConfiguration.Anonymous, routes.Single(r => r.RouteId == "member-states").AuthorizationPolicy);
        // A ping test's link is its own credential: its one path, POST only, needs no token.
        var ping = routes.Single(r => r.RouteId == "ping-acknowledgement");
        Assert.Equal((ProxyConfiguration.Anonymous, "/api/directory/ping/acknowledgements", "POST"), (ping.AuthorizationPolicy, ping.Match.Path, Assert.Single(ping.Match.Methods!)));
        // The public schedule and the letters' archive: their own paths, GET only, need no token (Meetings reads one when it comes).
        Assert.All(routes.Where(r => r.ClusterId == "meetings" && r.RouteId is not ("meetings" or "meeting-document-uploads" or "meeting-document-versions" or "silence-document-uploads" or "silence-objection-files" or "letter-acknowledgement" or "stakeholder-confirmation" or "stakeholder-applications" or "stakeholder-registrations")), r =>
            Assert.Equal((ProxyConfiguration.Anonymous, "GET"), (r.AuthorizationPolicy, Assert.Single(r.Match.Methods!))));
        // Document uploads need a token, and alone may carry more than the usual megabyte, on their two paths only.
        var uploads = routes.Where(r => r.MaxRequestBodySize is not null && r.RouteId != "stakeholder-applications").ToList();
        // An application for accreditation needs no token, POST only, with its letter.
        var application = routes.Single(r => r.RouteId == "stakeholder-applications");
        Assert.Equal((ProxyConfiguration.Anonymous, "/api/meetings/stakeholders/applications", "POST", ProxyConfiguration.ApplicationBytes),
            (application.AuthorizationPolicy, application.Match.Path, Assert.Single(application.Match.Methods!), application.MaxRequestBodySize));
        Assert.Equal(["/api/meetings/{id:guid}/documents", "/api/meetings/{id:guid}/documents/{documentId:guid}/versions",
            "/api/meetings/silence-procedures/{id:guid}/documents", "/api/meetings/silence-procedures/{id:guid}/objections/{objectionId:guid}/file"], uploads.Select(r => r.Match.Path));
        Assert.All(uploads, r => Assert.Equal((null, "POST", ProxyConfiguration.DocumentUploadBytes), (r.AuthorizationPolicy, Assert.Single(r.Match.Methods!), r.MaxRequestBodySize)));
        Assert.Equal("/api/meetings/{id:guid}.ics", routes.Single(r => r.RouteId == "meeting-file").Match.Path);
        // Resolved by service discovery from services:meetings:http:0 when the proxy sends.
        Assert.Equal("http://meetings", clusters.Single(c => c.ClusterId == "meetings").Destinations!["meetings"].Address);
        // An accredited stakeholder registers participants with its invitation's link, POST only, no token.
        var registrations = routes.Single(r => r.RouteId == "stakeholder-registrations");
        Assert.Equal((ProxyConfiguration.Anonymous, "/api/meetings/stakeholder-registrations/{**rest}", "POST"),
            (registrations.AuthorizationPolicy, registrations.Match.Path, Assert.Single(registrations.Match.Methods!)));
        // Anyone may apply for accreditation and confirm it without an account: those two count against a strict limit per address.
        Assert.All(routes, r => Assert.Equal(r.RouteId is "stakeholder-applications" or "stakeholder-confirmation" ? RateLimiting.PublicFormPolicyName : RateLimiting.PolicyName,
            r.RateLimiterPolicy));
    }

    [Fact]
    public void Identity_serves_discovery_tokens_and_its_pages_without_a_token_and_its_API_with_one()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:identity:http:0"] = "http://127.0.0.1:5005",
        }).Build();

        var (routes, _) = ProxyConfiguration.Build(configuration);

        Assert.Equal("/.well-known/{**rest}", routes.Single(r => r.RouteId == "discovery").Match.Path);
        Assert.Equal("/connect/token", routes.Single(r => r.RouteId == "token").Match.Path);
        Assert.Equal("/connect/{**rest}", routes.Single(r => r.RouteId == "connect").Match.Path);
        Assert.Equal("/account/{**rest}", routes.Single(r => r.RouteId == "account").Match.Path);
        Assert.All(routes.Where(r => r.RouteId != "identity"), r => Assert.Equal(ProxyConfiguration.Anonymous, r.AuthorizationPolicy));
        Assert.Null(routes.Single(r => r.RouteId == "identity").AuthorizationPolicy);
        Assert.Equal("/api/identity/{**rest}", routes.Single(r => r.RouteId == "identity").Match.Path);

        // Posting credentials counts against the sign-in limit; reading pages and discovery does not.
        Assert.Equal(["account-forms", "token"], routes.Where(r => r.RateLimiterPolicy == RateLimiting.SignInPolicyName).Select(r => r.RouteId).Order());
        Assert.All(routes.Where(r => r.RateLimiterPolicy == RateLimiting.SignInPolicyName), r =>
        {
            Assert.Equal(["POST"], r.Match.Methods!);
            Assert.True(r.Order < 0); // before the route of the same path for any method
        });
    }

    [Fact]
    public void No_reference_means_no_route()
    {
        var (routes, clusters) = ProxyConfiguration.Build(new ConfigurationBuilder().Build());
        Assert.Empty(routes);
        Assert.Empty(clusters);
    }
}

public sealed class RateLimitBucketTests
{
    [Theory]
    [InlineData("127.0.0.5", "127.0.0.5")]
    [InlineData("::ffff:127.0.0.5", "127.0.0.5")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("::1", "::/64")]
    public void A_client_is_counted_by_its_IPv4_address_or_its_IPv6_64(string address, string bucket) =>
        Assert.Equal(bucket, ClientAddresses.Bucket(System.Net.IPAddress.Parse(address)));
}
