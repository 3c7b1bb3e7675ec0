using PocDirectory.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(publicEntry: true);
// The gateway is the tokens' issuer origin: unless configured, its own address. A second wall:
// each service checks every token again, with its own audience.
builder.Configuration[AuthenticationExtensions.IssuerKey] ??= builder.Configuration["urls"]?.Split(';')[0];
builder.AddTokenValidation();
builder.Services.AddGatewayRateLimiting(builder.Configuration);
var (routes, clusters) = ProxyConfiguration.Build(builder.Configuration);
// Before AddReverseProxy, which only adds its own factory when none is there.
builder.Services.AddSingleton<Yarp.ReverseProxy.Forwarder.IForwarderHttpClientFactory, ReadRetryForwarderHttpClientFactory>();
builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters).AddServiceDiscoveryDestinationResolver();
builder.AddTelemetrySource("Yarp.ReverseProxy");

var app = builder.Build();

app.UseTrustedProxies(); // behind a TLS terminator: the client and scheme it saw, from configured proxies only
app.UseForwardedClient(app.Configuration); // then: every later step sees the browser the Web vouches for

var apiHeaders = SecurityHeaderPolicies.Api();
app.UseWhen(context => !SecurityHeaderPolicies.IsIdentityPage(context.Request.Path), branch => branch.UseSecurityHeaders(apiHeaders));
// Identity's pages carry their own headers, but it cannot know they went out over https: HSTS on them comes from here.
app.UseWhen(context => SecurityHeaderPolicies.IsIdentityPage(context.Request.Path), branch => branch.UseSecurityHeaders(SecurityHeaderPolicies.TransportOnly()));
app.MapDefaultEndpoints(trustForwardedFor: false); // the gateway faces the clients: their headers are not believed
app.UseRateLimiter();
app.MapReverseProxy();

app.Run();
