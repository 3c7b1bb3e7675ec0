using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.Identity;
using PocDirectory.Identity.Infrastructure;

namespace PocDirectory.Identity.Accounts;

/// <summary>
/// Ends every session of an account at once: Identity's cookies (a new security stamp, checked every
/// minute), the Web's refresh tokens (revoked here), and the access tokens already issued (refused by
/// every service within a minute, through <see cref="PrincipalRevoked"/>).
/// </summary>
public sealed class AccountSessions(UserManager<PocUser> users, IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations, PocIdentityDbContext db, TimeProvider clock)
{
    public async Task EndAllAsync(PocUser user, string action, HttpContext? http, CancellationToken ct)
    {
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await users.UpdateSecurityStampAsync(user);
        await tokens.RevokeBySubjectAsync(user.Id, ct);
        await authorizations.RevokeBySubjectAsync(user.Id, ct);
        db.AddIntegrationEvent(new PrincipalRevoked { Subject = user.Id, RevokedAt = clock.GetUtcNow() });
        db.AddAuditRecord(ResourceNames.Identity, action, AuditOutcomes.Success, http,
            actor: http?.User.Identity?.IsAuthenticated == true ? null : user.Id, target: user.Id, state: user.State);
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
    }
}
