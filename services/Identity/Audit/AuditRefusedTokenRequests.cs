using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Infrastructure;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace PocDirectory.Identity.Audit;

/// <summary>A refused token request (unknown client, wrong secret, scope not granted) is a failed sign-in: audited.</summary>
public sealed class AuditRefusedTokenRequests(PocIdentityDbContext db) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public async ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        if (string.IsNullOrEmpty(context.Response.Error))
        {
            return; // issued: audited by the token endpoint with the token's details
        }
        db.AddAuditRecord(ResourceNames.Identity, "token.refused", AuditOutcomes.Failure,
            http: context.Transaction.GetHttpRequest()?.HttpContext,
            actor: context.Request?.ClientId is { Length: > 0 and <= 200 } clientId ? clientId : "unknown client",
            detail: $"{context.Response.Error}: {context.Response.ErrorDescription}");
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
