using PocDirectory.BuildingBlocks.Caching;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Directory.Apis;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Directory.IntegrationEvents;
using PocDirectory.Directory.PointsOfContact;
using PocDirectory.Directory.Reachability;

namespace PocDirectory.Directory.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<DirectoryDbContext>(ResourceNames.DirectoryDb);
        builder.AddRedisCache();
        builder.AddTokenValidation(ResourceNames.Directory);
        builder.AddMessaging<DirectoryDbContext>(ResourceNames.Directory, bus =>
        {
            bus.AddConsumer<MemberStateCopyRequestedConsumer>();
            bus.AddConsumer<PointOfContactApprovedConsumer>();
            bus.AddConsumer<PointOfContactWithdrawnConsumer>();
            bus.AddConsumer<EmailUndeliverableConsumer>();
            bus.AddConsumer<UpdateRequestStatusChangedConsumer>();
            bus.AddConsumer<EmailPointsOfContactConsumer>();
        });
        builder.Services.AddScoped<MemberStateReader>();
        builder.Services.AddSingleton<DirectoryGeneration>();
        builder.Services.AddSingleton<DirectoryReader>();
        builder.Services.AddScoped<PingCampaigns>();
        builder.Services.AddHostedService<PingCampaignWorker>();
        builder.Services.AddHostedService<PingCounts>();
        builder.Services.AddHostedService<WithdrawnDetailsRemoval>();
        builder.Services.AddDirectoryRateLimits(builder.Configuration);
        builder.Services.AddOpenApi("directory", options => options.ShouldInclude = description =>
            description.RelativePath?.StartsWith("api/directory/", StringComparison.Ordinal) == true);
    }
}
