using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Nominations.Apis;
using PocDirectory.Nominations.Extensions;
using PocDirectory.Nominations.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.MigrateDatabaseAsync<NominationsDbContext>();

app.MapDefaultEndpoints();
app.MapMemberStateCopyApi<NominationsDbContext>("/api/nominations");
app.MapNominationsApi();

app.Run();
