using PocDirectory.BuildingBlocks.Caching;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Directory.Apis;
using PocDirectory.Directory.Infrastructure;
using PocDirectory.Directory.IntegrationEvents;

namespace PocDirectory.Directory.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<DirectoryDbContext>(ResourceNames.DirectoryDb);
        builder.AddRedisCache();
        builder.AddTokenValidation(ResourceNames.Directory);
        builder.AddMessaging<DirectoryDbContext>(ResourceNames.Directory, bus =>
            bus.AddConsumer<MemberStateCopyRequestedConsumer>());
        builder.Services.AddScoped<MemberStateReader>();
    }
}
