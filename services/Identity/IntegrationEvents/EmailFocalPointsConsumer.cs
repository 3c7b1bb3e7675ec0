using Microsoft.AspNetCore.Identity;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Identity;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.IntegrationEvents;

/// <summary>
/// Sends a service's e-mail to every active focal point of a State: Identity is the one that knows
/// who they are. Each focal point's e-mail id is derived from the request and the account, so a
/// request applied twice still sends one e-mail each.
/// </summary>
public sealed class EmailFocalPointsConsumer(PocIdentityDbContext db, UserManager<PocUser> users)
    : IdempotentConsumer<EmailFocalPoints, PocIdentityDbContext>(db)
{
    protected override async Task HandleAsync(EmailFocalPoints message, CancellationToken ct)
    {
        var focalPoints = (await users.GetUsersInRoleAsync(Roles.FocalPoint))
            .Where(u => u.DisabledAt is null && u.Email is not null && string.Equals(u.State, message.State, StringComparison.OrdinalIgnoreCase))
            .OrderBy(u => u.Id, StringComparer.Ordinal);
        foreach (var user in focalPoints)
        {
            // A focal point's e-mails carry contact data (the names of points of contact who did not answer):
            // only to an account that acts as one, never to operations or the Chair's office holding the role too.
            if (!Roles.Effective(await users.GetRolesAsync(user)).Contains(Roles.FocalPoint))
            {
                continue;
            }
            var values = new Dictionary<string, string>(message.Values, StringComparer.Ordinal) { ["name"] = user.DisplayName };
            Db.AddIntegrationEvent(new SendEmail
            {
                EmailId = DerivedIds.From("focal-point-email", message.RequestId.ToString(), user.Id),
                To = user.Email!,
                ToName = user.DisplayName,
                Template = message.Template,
                Values = values,
                RequestedBy = message.RequestedBy,
            });
        }
    }
}
