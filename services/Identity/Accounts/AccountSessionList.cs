using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using PocDirectory.Identity.Infrastructure;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PocDirectory.Identity.Accounts;

/// <summary>A signed-in session of the Web (its current refresh token), for "my account".</summary>
public sealed record WebSession(string Id, DateTimeOffset? Since, DateTimeOffset? Until);

/// <summary>A browser the account signed in from.</summary>
public sealed record KnownBrowser(string? UserAgent, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>What "my account" shows of where the account is signed in, and ends one session.</summary>
public sealed class AccountSessionList(IOpenIddictTokenManager tokens, PocIdentityDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<WebSession>> WebSessionsAsync(PocUser user, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var sessions = new List<WebSession>();
        await foreach (var token in tokens.FindBySubjectAsync(user.Id, ct))
        {
            if (await tokens.GetTypeAsync(token, ct) is TokenTypeIdentifiers.RefreshToken or TokenTypeHints.RefreshToken
                && await tokens.GetStatusAsync(token, ct) == Statuses.Valid
                && await tokens.GetExpirationDateAsync(token, ct) is { } until && until > now)
            {
                sessions.Add(new WebSession((await tokens.GetIdAsync(token, ct))!, await tokens.GetCreationDateAsync(token, ct), until));
            }
        }
        return [.. sessions.OrderByDescending(s => s.Since)];
    }

    public async Task<IReadOnlyList<KnownBrowser>> BrowsersAsync(PocUser user, CancellationToken ct) =>
        await db.KnownDevices.AsNoTracking().Where(d => d.UserId == user.Id).OrderByDescending(d => d.LastSeen)
            .Select(d => new KnownBrowser(d.UserAgent, d.FirstSeen, d.LastSeen)).ToListAsync(ct);

    /// <summary>Ends one Web session of the account: its refresh token is revoked, so it ends at its next refresh (10 minutes at most).</summary>
    public async Task<bool> EndAsync(PocUser user, string? id, CancellationToken ct)
    {
        var token = string.IsNullOrEmpty(id) || id.Length > 100 ? null : await tokens.FindByIdAsync(id, ct);
        if (token is null || await tokens.GetSubjectAsync(token, ct) != user.Id)
        {
            return false;
        }
        return await tokens.TryRevokeAsync(token, ct);
    }
}
