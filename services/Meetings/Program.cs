using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Meetings.Apis;
using PocDirectory.Meetings.Demo;
using PocDirectory.Meetings.Extensions;
using PocDirectory.Meetings.Infrastructure;

if (DemoCommand.IsCommand(args))
{
    return await DemoCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.MigrateDatabaseAsync<MeetingsDbContext>();

app.MapDefaultEndpoints();
app.MapMemberStateCopyApi<MeetingsDbContext>("/api/meetings");
app.MapMeetingsApi();
app.MapMissionsApi();
app.MapLettersApi();
app.MapRegistrationsApi();
app.MapStakeholderRegistrationsApi();
app.MapInvitationsApi();
app.MapDocumentsApi();
app.MapFeedsApi();
app.MapSilenceApi();
app.MapStakeholdersApi();
// The API's description (OpenAPI 3.1): public, it holds no data.
app.MapOpenApi("/api/meetings/openapi/{documentName}.json").AllowAnonymous().NotAudited("the API's public description");

// The cache's hit and miss series start at 0 once the meter provider runs: a first miss is then an increase Prometheus sees.
app.Lifetime.ApplicationStarted.Register(() => PocDirectory.BuildingBlocks.Caching.CacheMetrics.Start(PocDirectory.Meetings.Schedule.FeedCache.Name));
app.Run();
return 0;
