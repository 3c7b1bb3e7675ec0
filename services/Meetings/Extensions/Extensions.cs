using Microsoft.Extensions.DependencyInjection.Extensions;
using PocDirectory.BuildingBlocks.Caching;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Meetings.Demo;
using PocDirectory.Meetings.Feeds;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.IntegrationEvents;
using PocDirectory.Meetings.Participants;

namespace PocDirectory.Meetings.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<MeetingsDbContext>(ResourceNames.MeetingsDb);
        builder.AddRedisCache();
        builder.AddTokenValidation(ResourceNames.Meetings);
        builder.AddMessaging<MeetingsDbContext>(ResourceNames.Meetings, bus =>
        {
            bus.AddMemberStateCopy<MeetingsDbContext>(ResourceNames.Meetings);
            bus.AddConsumer<LetterUndeliverableConsumer>();
            bus.AddConsumer<FeedRevocationConsumer>();
            bus.AddConsumer<PointsOfContactEmailedConsumer>();
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PocDirectory.Meetings.Schedule.FeedCache>();
        builder.Services.AddScoped<SeedSchedule>();
        builder.Services.AddScoped<DemoMissions>();
        builder.Services.AddHostedService<MeetingReminders>();
        builder.Services.AddHostedService<FeedPruning>();
        builder.Services.AddHostedService<PocDirectory.Meetings.Silence.SilenceDeadlines>();
        builder.Services.AddHostedService<PocDirectory.Meetings.Stakeholders.AccreditationDeadlines>();
        builder.Services.AddOpenApi("meetings", options => options.ShouldInclude = description =>
            description.RelativePath?.StartsWith("api/meetings/", StringComparison.Ordinal) == true);
    }
}
