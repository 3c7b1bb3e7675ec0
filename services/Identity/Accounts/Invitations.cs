using PocDirectory.BuildingBlocks.Security;
using PocDirectory.BuildingBlocks.Validation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Accounts;

/// <summary>An invitation as sent: the link is shown to the inviter this once (and e-mailed); only its hash is kept.</summary>
public sealed record SentInvitation(Guid Id, string Email, string Link, DateTimeOffset ExpiresAt);

/// <summary>
/// Accounts exist by invitation only. The directory manager (or, for the very first one, an operator
/// on the server) invites a person with roles and a State; the e-mailed link works once, for 72 hours,
/// and leads to choosing a password and enrolling a second factor.
/// </summary>
public sealed class Invitations(PocIdentityDbContext db, UserManager<PocUser> users, IConfiguration configuration, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(72);

    public const int MaxNameLength = 200;

    public async Task<SentInvitation> InviteAsync(
        string? email, string? displayName, IReadOnlyCollection<string> roles, string? state, string invitedBy, HttpContext? http, CancellationToken ct)
    {
        var errors = new FieldErrors();
        email = email?.Trim() ?? "";
        displayName = displayName?.Trim() ?? "";
        state = string.IsNullOrWhiteSpace(state) ? null : state.Trim().ToUpperInvariant();
        if (!EmailAddresses.IsValid(email))
        {
            errors.Add("email", "Enter an e-mail address such as name@example.org.");
        }
        if (displayName.Length is 0 or > MaxNameLength)
        {
            errors.Add("displayName", $"Enter the person's name (at most {MaxNameLength} characters).");
        }
        var unknown = roles.Except(Roles.All).ToList();
        if (roles.Count == 0 || unknown.Count > 0)
        {
            errors.Add("roles", $"Choose one or more of: {string.Join(", ", Roles.All)}.");
        }
        var stateBound = roles.Intersect(Roles.StateBound).Any();
        if (unknown.Count == 0 && Roles.IsForbiddenCombination(roles))
        {
            errors.Add("roles", "Operations and the Chair's office never read contact data, so they cannot also act for a State as a focal point or point of contact: invite the person to one or the other.");
        }
        else if (stateBound && state is null)
        {
            errors.Add("state", "A focal point or point of contact acts for one State: choose it.");
        }
        else if (!stateBound && state is not null)
        {
            errors.Add("state", "Only a focal point or a point of contact acts for a State.");
        }
        else if (state is not null && !await db.MemberStates.AnyAsync(s => s.Iso3 == state, ct))
        {
            errors.Add("state", await db.MemberStates.AnyAsync(ct)
                ? $"'{state}' is not the ISO 3166-1 alpha-3 code of a Member or observer State."
                : "The copy of the Member States is still empty: try again in a minute.");
        }
        if (!errors.Any && await users.FindByEmailAsync(email) is not null)
        {
            errors.Add("email", "This address already has an account.");
        }
        errors.ThrowIfAny();

        var now = clock.GetUtcNow();
        var token = OneTimeTokens.New();
        var invitation = new Invitation
        {
            Id = Guid.NewGuid(),
            Email = email,
            DisplayName = displayName,
            Roles = string.Join(' ', roles.Distinct().Order(StringComparer.Ordinal)),
            State = state,
            TokenHash = OneTimeTokens.Hash(token),
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
            InvitedBy = invitedBy,
        };
        var link = $"{AuthenticationExtensions.Issuer(configuration)}account/invitation?token={token}";

        // Inside a message handler's transaction the invitation commits with it; otherwise in one of its own.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        // A new invitation replaces any open one to the same address: only the latest link works.
        await db.Invitations
            .Where(i => i.Email == email && i.AcceptedAt == null && i.WithdrawnAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.WithdrawnAt, now), ct);
        db.Invitations.Add(invitation);
        db.AddIntegrationEvent(new SendEmail
        {
            EmailId = invitation.Id,
            To = email,
            ToName = displayName,
            Template = "invitation",
            RequestedBy = ResourceNames.Identity,
            Values = new Dictionary<string, string>
            {
                ["name"] = displayName,
                ["inviter"] = invitedBy.StartsWith("operator:", StringComparison.Ordinal) || invitedBy.StartsWith("system:", StringComparison.Ordinal) ? "The Secretariat" : invitedBy,
                ["roles"] = string.Join(", ", invitation.RoleList.Select(Roles.DisplayName)) + (state is null ? "" : $" for {state}"),
                ["link"] = link,
                ["expires"] = invitation.ExpiresAt.ToString("d MMMM yyyy HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
            },
        });
        db.AddAuditRecord(ResourceNames.Identity, "invitation.sent", AuditOutcomes.Success, http,
            actor: http is null ? invitedBy : null, target: email, state: state, detail: invitation.Roles);
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
        return new SentInvitation(invitation.Id, email, link, invitation.ExpiresAt);
    }

    /// <summary>The open invitation a link's token belongs to, or null (unknown, used, replaced or expired).</summary>
    public async Task<Invitation?> FindOpenAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }
        var hash = OneTimeTokens.Hash(token);
        var invitation = await db.Invitations.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, ct);
        return invitation is not null && invitation.IsOpen(clock.GetUtcNow()) ? invitation : null;
    }

    /// <summary>
    /// Creates the account with the chosen password, once: a second use of the link, even at the same
    /// moment, finds the invitation already accepted and changes nothing.
    /// </summary>
    public async Task<PocUser> AcceptAsync(string? token, string password, HttpContext? http, CancellationToken ct)
    {
        var invitation = await FindOpenAsync(token, ct)
            ?? throw new FieldErrorsException(new Dictionary<string, string[]> { ["token"] = [ExpiredMessage] });
        var now = clock.GetUtcNow();
        var user = new PocUser
        {
            UserName = invitation.Email,
            Email = invitation.Email,
            EmailConfirmed = true,
            DisplayName = invitation.DisplayName,
            State = invitation.State,
            CreatedAt = now,
            LockoutEnabled = false, // failures slow attempts down instead (SignInThrottle)
        };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.Invitations
            .Where(i => i.Id == invitation.Id && i.AcceptedAt == null && i.WithdrawnAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.UserId, user.Id), ct);
        if (claimed != 1)
        {
            throw new FieldErrorsException(new Dictionary<string, string[]> { ["token"] = [ExpiredMessage] });
        }
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            // Nothing is kept: the link still works for a better password.
            throw new FieldErrorsException(new Dictionary<string, string[]>
            {
                [created.Errors.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? "password" : "email"] =
                    created.Errors.Select(e => e.Description).ToArray(),
            });
        }
        var added = await users.AddToRolesAsync(user, invitation.RoleList);
        if (!added.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", added.Errors.Select(e => e.Description)));
        }
        db.AddAuditRecord(ResourceNames.Identity, "invitation.accepted", AuditOutcomes.Success, http,
            actor: user.Id, target: invitation.Email, state: invitation.State, detail: invitation.Roles);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return user;
    }

    public const string ExpiredMessage = "This invitation link has been used, replaced by a newer one, or has expired. Ask the Secretariat for a new invitation.";
}
