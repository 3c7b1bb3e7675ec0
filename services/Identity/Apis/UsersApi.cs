using PocDirectory.BuildingBlocks.Validation;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Apis;

public sealed record InviteRequest(string? Email, string? DisplayName, IReadOnlyList<string>? Roles, string? State);

public sealed record InvitationSent(Guid Id, string Email, DateTimeOffset ExpiresAt);

public sealed record Account(
    string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, string? State, bool TwoFactorEnabled,
    DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);

public sealed record PendingInvitation(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, string? State, DateTimeOffset ExpiresAt, string InvitedBy);

public sealed record Me(string Subject, string? Name, string? Email, IReadOnlyList<string> Roles, string? State, IReadOnlyList<string> Methods);

/// <summary>
/// Identity's API, for people signed in to the Web: who am I, and for the directory manager the
/// accounts, invitations, disabling and enabling. Every act is audited in the same transaction.
/// </summary>
public static class UsersApi
{
    public static void MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/identity");
        api.MapGet("/me", (ClaimsPrincipal user) => new Me(
            user.FindFirstValue("sub")!, user.FindFirstValue("name"), user.FindFirstValue("email"),
            [.. user.FindAll("role").Select(c => c.Value)], user.FindFirstValue(ApiScopes.StateClaim),
            [.. user.FindAll("amr").Select(c => c.Value)])).NotAudited("the caller's own account, from its token");

        var admin = api.MapGroup("").RequireAuthorization(AccountPolicies.DirectoryManager);
        admin.MapGet("/users", ListAsync).Audited("accounts.read", ResourceNames.Identity);
        admin.MapGet("/invitations", PendingAsync).Audited("invitations.read", ResourceNames.Identity);
        admin.MapPost("/invitations", InviteAsync).AuditedByHandler("invitation.sent");
        admin.MapPost("/users/{id}/disable", DisableAsync).AuditedByHandler("account.disabled");
        admin.MapPost("/users/{id}/enable", EnableAsync).AuditedByHandler("account.enabled");
    }

    private static async Task<IReadOnlyList<Account>> ListAsync(PocIdentityDbContext db, CancellationToken ct)
    {
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name })
            .ToListAsync(ct);
        var byUser = roles.ToLookup(r => r.UserId, r => r.Name!);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.DisplayName).ToListAsync(ct);
        return users.Select(u => new Account(u.Id, u.Email!, u.DisplayName, [.. byUser[u.Id].Order(StringComparer.Ordinal)], u.State,
            u.TwoFactorEnabled, u.CreatedAt, u.DisabledAt)).ToList();
    }

    private static async Task<IReadOnlyList<PendingInvitation>> PendingAsync(PocIdentityDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var open = await db.Invitations.AsNoTracking()
            .Where(i => i.AcceptedAt == null && i.WithdrawnAt == null && i.ExpiresAt > now)
            .OrderBy(i => i.ExpiresAt).ToListAsync(ct);
        return open.Select(i => new PendingInvitation(i.Id, i.Email, i.DisplayName, i.RoleList, i.State, i.ExpiresAt, i.InvitedBy)).ToList();
    }

    private static async Task<IResult> InviteAsync(InviteRequest request, Invitations invitations, HttpContext http, CancellationToken ct)
    {
        try
        {
            var inviter = http.User.FindFirstValue("name") ?? http.User.FindFirstValue("sub")!;
            var sent = await invitations.InviteAsync(request.Email, request.DisplayName, request.Roles ?? [], request.State, inviter, http, ct);
            return Results.Created($"/api/identity/invitations/{sent.Id}", new InvitationSent(sent.Id, sent.Email, sent.ExpiresAt));
        }
        catch (FieldErrorsException ex)
        {
            return Results.ValidationProblem(ex.Errors, title: "The invitation cannot be sent.");
        }
    }

    private static Task<IResult> DisableAsync(string id, UserManager<PocUser> users, AccountSessions sessions, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        ChangeAsync(id, users, http, async user =>
        {
            if (user.Id == http.User.FindFirstValue("sub"))
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "You cannot disable your own account.");
            }
            if (user.DisabledAt is null)
            {
                user.DisabledAt = clock.GetUtcNow(); // saved with the new security stamp, in the same transaction
                await sessions.EndAllAsync(user, "account.disabled", http, ct);
            }
            return Results.NoContent();
        });

    private static Task<IResult> EnableAsync(string id, UserManager<PocUser> users, PocIdentityDbContext db, HttpContext http, CancellationToken ct) =>
        ChangeAsync(id, users, http, async user =>
        {
            if (user.DisabledAt is not null)
            {
                user.DisabledAt = null;
                db.AddAuditRecord(ResourceNames.Identity, "account.enabled", AuditOutcomes.Success, http, target: user.Id, state: user.State);
                await users.UpdateAsync(user); // saves the audit record with the change
            }
            return Results.NoContent();
        });

    private static async Task<IResult> ChangeAsync(string id, UserManager<PocUser> users, HttpContext http, Func<PocUser, Task<IResult>> change)
    {
        var user = id.Length <= 64 ? await users.FindByIdAsync(id) : null;
        return user is null
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such account.")
            : await change(user);
    }
}
