using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Nominations.Apis;
using PocDirectory.Nominations.Demo;
using PocDirectory.Nominations.Extensions;
using PocDirectory.Nominations.Infrastructure;

if (DemoCommand.IsCommand(args))
{
    return await DemoCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.MigrateDatabaseAsync<NominationsDbContext>();

app.MapDefaultEndpoints();
app.MapMemberStateCopyApi<NominationsDbContext>("/api/nominations");
app.MapNominationsApi();

app.Run();
return 0;
