using PocDirectory.BuildingBlocks.Caching;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<PocIdentityDbContext>(ResourceNames.IdentityDb);
        builder.AddRedisCache();
        builder.AddMessaging<PocIdentityDbContext>(ResourceNames.Identity);
    }
}
