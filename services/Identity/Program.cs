using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Identity.Extensions;
using PocDirectory.Identity.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.MigrateDatabaseAsync<PocIdentityDbContext>();

app.MapDefaultEndpoints();

app.Run();
