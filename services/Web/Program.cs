using PocDirectory.Web.Components;
using PocDirectory.Web.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddRazorComponents();
builder.Services.AddGatewayClients(builder.Configuration);

var app = builder.Build();

app.UseSecurityHeaders(SecurityHeaderPolicies.Page());
app.MapDefaultEndpoints();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>();

app.Run();
