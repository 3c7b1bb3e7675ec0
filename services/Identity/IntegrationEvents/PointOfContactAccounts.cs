using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.IntegrationEvents;

/// <summary>
/// A listed point of contact gets an account: an invitation to the listed address, unless the person
/// has an account (then the role is added) or an open invitation already. When the version changes the
/// address (a new person), the previous person loses access first. Applied once per message.
/// </summary>
public sealed partial class PointOfContactApprovedConsumer(
    PocIdentityDbContext db, PointOfContactAccess access, UserManager<PocUser> users, Invitations invitations, TimeProvider clock, ILogger<PointOfContactApprovedConsumer> logger)
    : IdempotentConsumer<PointOfContactApproved, PocIdentityDbContext>(db)
{
    public const string Inviter = "system:nominations";

    protected override async Task HandleAsync(PointOfContactApproved message, CancellationToken ct)
    {
        var email = message.Details.Email;
        if (message.PreviousEmail is { } previous && !string.Equals(previous, email, StringComparison.OrdinalIgnoreCase))
        {
            await access.RevokeAsync(previous, message.State, "role.replaced", ct);
        }
        var user = await users.FindByEmailAsync(email);
        if (user is not null)
        {
            if (!string.Equals(user.State, message.State, StringComparison.OrdinalIgnoreCase))
            {
                LogOtherState(message.PocId, message.State);
                return;
            }
            if (!await users.IsInRoleAsync(user, Roles.PointOfContact))
            {
                var added = await users.AddToRoleAsync(user, Roles.PointOfContact);
                if (!added.Succeeded)
                {
                    throw new InvalidOperationException(string.Join("; ", added.Errors.Select(e => e.Description)));
                }
                Db.AddAuditRecord(ResourceNames.Identity, "role.granted", AuditOutcomes.Success,
                    actor: Inviter, target: user.Id, state: message.State, detail: Roles.PointOfContact);
            }
            return;
        }
        var now = clock.GetUtcNow();
        var lower = email.ToLowerInvariant();
        if (await Db.Invitations.AnyAsync(i => i.Email.ToLower() == lower && i.AcceptedAt == null && i.WithdrawnAt == null && i.ExpiresAt > now, ct))
        {
            return;
        }
        await invitations.InviteAsync(email, message.Details.FullName, [Roles.PointOfContact], message.State, Inviter, null, ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Point of contact {PocId} of {State} has the address of an account bound to another State; no role was given")]
    private partial void LogOtherState(Guid pocId, string state);
}

/// <summary>
/// A withdrawn point of contact loses the role (and with it the directory), at once: its sessions end
/// and its tokens are refused everywhere within a minute. An invitation not yet accepted is withdrawn.
/// </summary>
public sealed class PointOfContactWithdrawnConsumer(PocIdentityDbContext db, PointOfContactAccess access)
    : IdempotentConsumer<PointOfContactWithdrawn, PocIdentityDbContext>(db)
{
    protected override Task HandleAsync(PointOfContactWithdrawn message, CancellationToken ct) =>
        access.RevokeAsync(message.Email, message.State, "role.withdrawn", ct);
}

/// <summary>
/// The end of a person's time as a State's point of contact (withdrawn, or replaced by a new person
/// at a change of address): the open invitation to the address dies, and the account of that State
/// loses the role, its sessions and its tokens. Runs inside the consumer's transaction.
/// </summary>
public sealed class PointOfContactAccess(PocIdentityDbContext db, UserManager<PocUser> users, AccountSessions sessions, TimeProvider clock)
{
    public async Task RevokeAsync(string email, string state, string action, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var lower = email.ToLowerInvariant();
        await db.Invitations
            .Where(i => i.Email.ToLower() == lower && i.AcceptedAt == null && i.WithdrawnAt == null && i.State == state && i.Roles.Contains(Roles.PointOfContact))
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.WithdrawnAt, now), ct);
        var user = await users.FindByEmailAsync(email);
        if (user is null || !string.Equals(user.State, state, StringComparison.OrdinalIgnoreCase) || !await users.IsInRoleAsync(user, Roles.PointOfContact))
        {
            return;
        }
        var removed = await users.RemoveFromRoleAsync(user, Roles.PointOfContact);
        if (!removed.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", removed.Errors.Select(e => e.Description)));
        }
        db.AddAuditRecord(ResourceNames.Identity, "role.revoked", AuditOutcomes.Success,
            actor: PointOfContactApprovedConsumer.Inviter, target: user.Id, state: state, detail: Roles.PointOfContact);
        await sessions.EndAllAsync(user, action, null, ct);
    }
}
