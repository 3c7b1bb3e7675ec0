using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using OpenIddict.Abstractions;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Infrastructure;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace PocDirectory.Identity.Audit;

/// <summary>A refused token request (unknown client, wrong secret, scope not granted) is a failed sign-in: audited.</summary>
public sealed class AuditRefusedTokenRequests(PocIdentityDbContext db, AccountAttemptLimiter limiter) : IOpenIddictServerHandler<ApplyTokenResponseContext>
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
        if (context.Response.Error == OpenIddict.Abstractions.OpenIddictConstants.Errors.InvalidClient && context.Request?.ClientId is { Length: > 0 and <= 200 } failed)
        {
            await limiter.ClientFailedAsync(failed); // a wrong secret counts towards the client's limit
        }
    }
}

/// <summary>
/// A machine client whose secret was guessed at too often is refused for a while, whatever the
/// address the guesses come from (the gateway limits each address on its own).
/// </summary>
public sealed class RefuseClientsUnderAttack(AccountAttemptLimiter limiter) : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (context.Request.IsClientCredentialsGrantType() && context.ClientId is { Length: > 0 and <= 200 } clientId
            && await limiter.ClientBlockedAsync(clientId) is { } wait)
        {
            context.Reject(OpenIddict.Abstractions.OpenIddictConstants.Errors.InvalidClient,
                $"Too many failed attempts for this client: try again in {Math.Ceiling(wait.TotalMinutes)} minutes.");
        }
    }
}
