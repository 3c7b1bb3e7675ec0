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
app.MapMemberStatesApi();

app.Run();
