using PocDirectory.BuildingBlocks.Caching;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Model;
using PocDirectory.Nominations.Workflow;

namespace PocDirectory.Nominations.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<NominationsDbContext>(ResourceNames.NominationsDb);
        builder.AddRedisCache();
        builder.AddTokenValidation(ResourceNames.Nominations);
        builder.AddMessaging<NominationsDbContext>(ResourceNames.Nominations, bus =>
            bus.AddMemberStateCopy<NominationsDbContext>(ResourceNames.Nominations));
        builder.Services.AddScoped<NominationDesk>();
        builder.Services.AddHostedService<ConfirmationDeadlines>();
        builder.Services.AddHostedService<WithdrawnDetailsRemoval>();
        builder.Services.AddOptions<UpdateRequestOptions>().BindConfiguration(UpdateRequestOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<UpdateRequestDesk>();
        builder.Services.AddHostedService<UpdateRequestRounds>();
        builder.Services.AddHostedService<NominationCounts>();
    }
}
