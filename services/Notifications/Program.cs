using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Notifications.Extensions;
using PocDirectory.Notifications.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.MigrateDatabaseAsync<NotificationsDbContext>();

app.MapDefaultEndpoints();
app.MapMemberStateCopyApi<NotificationsDbContext>("/api/notifications");

app.Run();
