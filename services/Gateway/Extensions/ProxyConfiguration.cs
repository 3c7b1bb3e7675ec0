using Yarp.ReverseProxy.Configuration;

namespace PocDirectory.Gateway.Extensions;

/// <summary>
/// One route per service: <c>/api/{service}/…</c> goes unchanged to that service, for a valid access
/// token only. Identity's discovery, keys and token endpoints, and the public list of Member States,
/// are the anonymous routes. Destinations are named <c>http://{service}</c> and resolved by
/// Microsoft.Extensions.ServiceDiscovery from <c>services__{service}__http__0</c>, exactly as under Aspire.
/// </summary>
public static class ProxyConfiguration
{
    /// <summary>YARP's name for "no authorization": the route answers without a token.</summary>
    public const string Anonymous = "anonymous";

    public static readonly string[] Services =
    [
        ResourceNames.Directory, ResourceNames.Nominations, ResourceNames.Notifications,
        ResourceNames.Meetings, ResourceNames.Identity,
    ];

    /// <summary>
    /// Paths that need no token: (route id, service, path pattern, method or null for any). Posting
    /// credentials (the token endpoint, the sign-in and account forms) counts against the stricter
    /// sign-in limit; reading the pages does not.
    /// </summary>
    private static readonly (string RouteId, string Service, string Path, string? Method)[] AnonymousRoutes =
    [
        ("discovery", ResourceNames.Identity, "/.well-known/{**rest}", null),
        ("token", ResourceNames.Identity, "/connect/token", HttpMethods.Post),
        ("connect", ResourceNames.Identity, "/connect/{**rest}", null),
        ("account-forms", ResourceNames.Identity, "/account/{**rest}", HttpMethods.Post),
        ("account", ResourceNames.Identity, "/account/{**rest}", null),
        ("member-states", ResourceNames.Directory, "/api/directory/member-states/{**rest}", null),
        ("directory-openapi", ResourceNames.Directory, "/api/directory/openapi/{**rest}", HttpMethods.Get),
        // A nominee's link is its own credential (256 random bits): the per-address limit is enough.
        ("nominee-confirmation", ResourceNames.Nominations, "/api/nominations/confirmation/{**rest}", HttpMethods.Post),
        // A ping test's link is likewise its own credential, used once.
        ("ping-acknowledgement", ResourceNames.Directory, "/api/directory/ping/acknowledgements", HttpMethods.Post),
        // The public schedule, as on the OEWG's web page; a meeting's page and calendar file (the service shows a
        // meeting that is not public only to a signed-in person, reading the token itself); the API's description.
        ("meetings-schedule", ResourceNames.Meetings, "/api/meetings/schedule", HttpMethods.Get),
        ("meetings-schedule-feed", ResourceNames.Meetings, "/api/meetings/schedule.ics", HttpMethods.Get),
        ("meeting", ResourceNames.Meetings, "/api/meetings/{id:guid}", HttpMethods.Get),
        ("meeting-file", ResourceNames.Meetings, "/api/meetings/{id:guid}.ics", HttpMethods.Get),
        ("meetings-openapi", ResourceNames.Meetings, "/api/meetings/openapi/{**rest}", HttpMethods.Get),
        // The archive of the Chair's letters: the public ones are read by anyone, the others only by signed-in people.
        ("letters", ResourceNames.Meetings, "/api/meetings/letters", HttpMethods.Get),
        ("letter", ResourceNames.Meetings, "/api/meetings/letters/{id:guid}", HttpMethods.Get),
        // A mission's acknowledgement of a letter: the e-mailed link's secret is the credential, as for ping tests.
        ("letter-acknowledgement", ResourceNames.Meetings, "/api/meetings/letters/acknowledgements", HttpMethods.Post),
        // The record of silence procedures: public proposals and their outcomes for anyone, the objections only for
        // signed-in people (the service reads the token itself).
        ("silence-procedures", ResourceNames.Meetings, "/api/meetings/silence-procedures", HttpMethods.Get),
        ("silence-procedure", ResourceNames.Meetings, "/api/meetings/silence-procedures/{id:guid}", HttpMethods.Get),
        // A proposal's document, as public as the proposal (the service reads the token itself).
        ("silence-documents", ResourceNames.Meetings, "/api/meetings/silence-procedures/{id:guid}/documents/{**rest}", HttpMethods.Get),
        // Stakeholder accreditation: anyone applies (the application with its letter, up to the larger size of an upload),
        // confirms the contact address with the e-mailed link, and reads the list of accredited stakeholders. A round is
        // read by signed-in people only (the service reads the token itself).
        ("stakeholders-accredited", ResourceNames.Meetings, "/api/meetings/stakeholders/accredited", HttpMethods.Get),
        ("stakeholder-confirmation", ResourceNames.Meetings, "/api/meetings/stakeholders/applications/confirmation", HttpMethods.Post),
        ("stakeholder-rounds", ResourceNames.Meetings, "/api/meetings/stakeholders/rounds/{**rest}", HttpMethods.Get),
        // An accredited stakeholder's registration of participants for a meeting: the invitation's link is the credential (256 random
        // bits, as a nominee's): the per-address limit is enough, and a page that reads, registers and reads again needs its room.
        ("stakeholder-registrations", ResourceNames.Meetings, "/api/meetings/stakeholder-registrations/{**rest}", HttpMethods.Post),
        // A meeting's documents: the public ones of a public meeting for anyone (the service reads the token itself).
        ("meeting-documents", ResourceNames.Meetings, "/api/meetings/{id:guid}/documents/{**rest}", HttpMethods.Get),
        // A person's calendar feed, read by a calendar application with the feed's own secret (in the query).
        ("meetings-feed", ResourceNames.Meetings, "/api/meetings/feed.ics", HttpMethods.Get),
    ];

    /// <summary>
    /// The largest document upload the gateway passes on; every other request keeps the usual limit of a megabyte.
    /// The Meetings service refuses what exceeds its own limit (<c>Meetings:DocumentMaxBytes</c>) with 413.
    /// </summary>
    public const long DocumentUploadBytes = 50L * 1024 * 1024;

    /// <summary>The largest application for accreditation the gateway passes on (the Meetings service keeps the letter to 5 MB).</summary>
    public const long ApplicationBytes = 8L * 1024 * 1024;

    /// <summary>The paths that take an upload: a meeting's new document and a new version of one; a proposal's document under silence, and an objection's file.</summary>
    public static readonly (string RouteId, string Path)[] DocumentUploadRoutes =
    [
        ("meeting-document-uploads", "/api/meetings/{id:guid}/documents"),
        ("meeting-document-versions", "/api/meetings/{id:guid}/documents/{documentId:guid}/versions"),
        ("silence-document-uploads", "/api/meetings/silence-procedures/{id:guid}/documents"),
        ("silence-objection-files", "/api/meetings/silence-procedures/{id:guid}/objections/{objectionId:guid}/file"),
    ];

    /// <summary>Routes whose requests count against the sign-in limit.</summary>
    public static readonly IReadOnlySet<string> SignInRoutes = new HashSet<string> { "token", "account-forms" };

    /// <summary>
    /// Routes through which anyone, without an account, stores a file or has an e-mail sent (an application for accreditation, its
    /// confirmation): they count against a strict limit per address (<c>RateLimiting:PublicFormPermitsPerMinute</c>, 10).
    /// </summary>
    public static readonly IReadOnlySet<string> PublicFormRoutes = new HashSet<string> { "stakeholder-applications", "stakeholder-confirmation" };


    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Build(IConfiguration configuration)
    {
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var service in Services)
        {
            if (string.IsNullOrWhiteSpace(configuration[$"services:{service}:http:0"]))
            {
                continue; // not referenced: its routes answer 404 instead of failing to resolve
            }
            routes.Add(Route(service, service, $"/api/{service}/{{**rest}}", method: null, authorizationPolicy: null));
            routes.AddRange(AnonymousRoutes.Where(r => r.Service == service).Select(r => Route(r.RouteId, service, r.Path, r.Method, Anonymous)));
            if (service == ResourceNames.Meetings)
            {
                // Uploads of documents and files (a token is needed): with the application below, the only routes that take a large body.
                foreach (var (routeId, path) in DocumentUploadRoutes)
                {
                    routes.Add(Route(routeId, service, path, HttpMethods.Post, null) with { MaxRequestBodySize = DocumentUploadBytes });
                }
                // A stakeholder's application with its letter on letterhead: no account, and more than a megabyte.
                routes.Add(Route("stakeholder-applications", service, "/api/meetings/stakeholders/applications", HttpMethods.Post, Anonymous)
                    with { MaxRequestBodySize = ApplicationBytes });
            }
            clusters.Add(new ClusterConfig
            {
                ClusterId = service,
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    [service] = new() { Address = $"http://{service}" },
                },
                HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig
                {
                    ActivityTimeout = TimeSpan.FromSeconds(30),
                },
            });
        }
        return (routes, clusters);
    }

    /// <summary>A null policy means the gateway's fallback policy: a valid access token.</summary>
    private static RouteConfig Route(string routeId, string service, string path, string? method, string? authorizationPolicy) => new()
    {
        RouteId = routeId,
        ClusterId = service,
        // Credentials get the stricter limit shared by every replica.
        RateLimiterPolicy = SignInRoutes.Contains(routeId) ? RateLimiting.SignInPolicyName
            : PublicFormRoutes.Contains(routeId) ? RateLimiting.PublicFormPolicyName : RateLimiting.PolicyName,
        AuthorizationPolicy = authorizationPolicy,
        // A route for one method goes before the route of the same path for any method.
        Order = method is null ? 0 : -1,
        Match = new RouteMatch { Path = path, Methods = method is null ? null : [method] },
        // Identity writes its public addresses (discovery, keys, token endpoint) from the Host the
        // caller used: the gateway's, not its own.
        Transforms = service == ResourceNames.Identity
            ? [new Dictionary<string, string> { ["RequestHeaderOriginalHost"] = "true" }]
            : null,
    };
}
