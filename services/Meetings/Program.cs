using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Meetings.Extensions;
using PocDirectory.Meetings.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.MigrateDatabaseAsync<MeetingsDbContext>();

app.MapDefaultEndpoints();
app.MapMemberStateCopyApi<MeetingsDbContext>("/api/meetings");

app.Run();
