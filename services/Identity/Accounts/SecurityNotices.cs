using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Accounts;

/// <summary>Tells a person by e-mail of a change to their account's security, in the same transaction as the change (outbox).</summary>
public static class SecurityNotices
{
    public static void AddSecurityNotice(this PocIdentityDbContext db, PocUser user, string what, string details, TimeProvider clock)
    {
        if (user.Email is null)
        {
            return;
        }
        db.AddIntegrationEvent(new SendEmail
        {
            EmailId = Guid.NewGuid(),
            To = user.Email,
            ToName = user.DisplayName,
            Template = "security-notice",
            RequestedBy = ResourceNames.Identity,
            Values = new Dictionary<string, string>
            {
                ["name"] = user.DisplayName,
                ["event"] = what,
                ["time"] = clock.GetUtcNow().ToString("d MMMM yyyy HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
                ["details"] = details,
            },
        });
    }
}
