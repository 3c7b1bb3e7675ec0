using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Directory.Apis;
using PocDirectory.Directory.Extensions;
using PocDirectory.Directory.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.MigrateDatabaseAsync<DirectoryDbContext>();

app.MapDefaultEndpoints();
app.UseRateLimiter();
app.MapMemberStatesApi();
app.MapPointsOfContactApi();
app.MapPingCampaignsApi();
// The machine API's description (OpenAPI 3.1): public, it holds no directory data.
app.MapOpenApi("/api/directory/openapi/{documentName}.json").AllowAnonymous().NotAudited("the API's public description");

// The cache's hit and miss series start at 0 once the meter provider runs: a first miss is then an increase Prometheus sees.
app.Lifetime.ApplicationStarted.Register(() => PocDirectory.BuildingBlocks.Caching.CacheMetrics.Start(PocDirectory.Directory.Apis.MemberStateReader.CacheName));
app.Run();
