using PocDirectory.BuildingBlocks.Caching;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Notifications.Email;
using PocDirectory.Notifications.Infrastructure;
using PocDirectory.Notifications.IntegrationEvents;

namespace PocDirectory.Notifications.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<NotificationsDbContext>(ResourceNames.NotificationsDb);
        builder.AddRedisCache();
        builder.AddTokenValidation(ResourceNames.Notifications);
        builder.AddMessaging<NotificationsDbContext>(ResourceNames.Notifications, bus =>
        {
            bus.AddMemberStateCopy<NotificationsDbContext>(ResourceNames.Notifications);
            bus.AddConsumer<SendEmailConsumer>();
            bus.AddConsumer<SendEmailBatchConsumer>();
            bus.AddConsumer<PointOfContactWithdrawnConsumer>();
        });
        builder.Services.AddOptions<EmailOptions>().BindConfiguration("Email");
        builder.Services.AddSingleton<EmailTemplates>();
        builder.Services.AddHostedService<EmailSender>();
        builder.Services.AddHostedService<WithdrawnDetailsRemoval>();
        builder.Services.AddHealthChecks()
            .AddCheck<SmtpHealthCheck>(ResourceNames.Mail, tags: [ServiceDefaultsExtensions.ReadyTag]);
    }
}
