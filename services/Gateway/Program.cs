using PocDirectory.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
builder.Services.AddGatewayRateLimiting(builder.Configuration);
var (routes, clusters) = ProxyConfiguration.Build(builder.Configuration);
builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);

var app = builder.Build();

app.UseSecurityHeaders();
app.MapDefaultEndpoints();
app.UseRateLimiter();
app.MapReverseProxy();

app.Run();
