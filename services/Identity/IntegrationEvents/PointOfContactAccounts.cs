using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Model;

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
        if (await access.RecordAsync(message.PocId, message.State, email, message.Version, withdrawnAt: null, ct) is not { } recorded)
        {
            return; // an older version than the one applied: the person it names may have been replaced since
        }
        // The address Identity last applied, or for an entry listed before Identity kept them, the one the event names.
        var previous = recorded.Length > 0 ? recorded : message.PreviousEmail;
        if (previous is not null && !string.Equals(previous, email, StringComparison.OrdinalIgnoreCase))
        {
            await access.RevokeAsync(previous, message.State, message.PocId, "role.replaced", ct);
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
    protected override async Task HandleAsync(PointOfContactWithdrawn message, CancellationToken ct)
    {
        if (await access.RecordAsync(message.PocId, message.State, message.Email, message.Version, message.WithdrawnAt, ct) is not { } previous)
        {
            return;
        }
        await access.RevokeAsync(message.Email, message.State, message.PocId, "role.withdrawn", ct);
        if (previous.Length > 0 && !string.Equals(previous, message.Email, StringComparison.OrdinalIgnoreCase))
        {
            await access.RevokeAsync(previous, message.State, message.PocId, "role.withdrawn", ct);
        }
    }
}

/// <summary>
/// The end of a person's time as a State's point of contact (withdrawn, or replaced by a new person
/// at a change of address): the open invitation to the address dies, and the account of that State
/// loses the role, its sessions and its tokens. Runs inside the consumer's transaction.
/// </summary>
public sealed class PointOfContactAccess(PocIdentityDbContext db, UserManager<PocUser> users, AccountSessions sessions, TimeProvider clock)
{
    /// <summary>
    /// Records <paramref name="version"/> of the entry. Null if a version as new was applied already (the
    /// message must change nothing); otherwise the address the entry held before, or an empty string for
    /// an entry not seen before.
    /// </summary>
    public async Task<string?> RecordAsync(Guid pocId, string state, string email, int version, DateTimeOffset? withdrawnAt, CancellationToken ct)
    {
        // Locked for the consumer's transaction: an approval and a withdrawal of one entry handled at once apply in
        // version order (the second waits, then sees the first's row; two first sightings collide on the key and one retries).
        var listing = await db.PocListings.FromSql($"SELECT * FROM poc_listings WHERE poc_id = {pocId} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (listing is not null && listing.Version >= version)
        {
            return null;
        }
        var previous = listing?.Email ?? "";
        if (listing is null)
        {
            listing = new PocListing { PocId = pocId, State = state };
            db.PocListings.Add(listing);
        }
        listing.Email = email.ToLowerInvariant();
        listing.Version = version;
        listing.WithdrawnAt = withdrawnAt;
        await db.SaveChangesAsync(ct);
        return previous;
    }

    public async Task RevokeAsync(string email, string state, Guid pocId, string action, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var lower = email.ToLowerInvariant();
        // Still listed for another entry of the State (data from before one address per entry was enforced): keeps the role.
        if (await db.PocListings.AnyAsync(l => l.Email == lower && l.State == state && l.PocId != pocId && l.WithdrawnAt == null, ct))
        {
            return;
        }
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
