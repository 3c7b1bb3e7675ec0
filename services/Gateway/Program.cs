using PocDirectory.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddGatewayRateLimiting(builder.Configuration);
var (routes, clusters) = ProxyConfiguration.Build(builder.Configuration);
builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters).AddServiceDiscoveryDestinationResolver();
builder.AddTelemetrySource("Yarp.ReverseProxy");

var app = builder.Build();

app.UseSecurityHeaders(SecurityHeaderPolicies.Api());
app.MapDefaultEndpoints();
app.UseRateLimiter();
app.MapReverseProxy();

app.Run();
