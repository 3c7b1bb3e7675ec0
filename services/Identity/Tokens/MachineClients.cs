using PocDirectory.BuildingBlocks.Validation;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.Identity;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Infrastructure;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PocDirectory.Identity.Tokens;

public sealed record MachineClientView(string ClientId, string? DisplayName, string State, IReadOnlyList<string> Scopes);

/// <summary>A machine client as created: its secret is shown this once and stored only hashed.</summary>
public sealed record CreatedMachineClient(string ClientId, string ClientSecret, string State, IReadOnlyList<string> Scopes);

/// <summary>
/// Clients of national CERT tools: client credentials, bound to one State, read-only scopes.
/// OpenIddict stores the secret hashed (PBKDF2) and checks it at the token endpoint.
/// </summary>
public sealed partial class MachineClients(IOpenIddictApplicationManager applications, PocIdentityDbContext db)
{
    public const string StateProperty = "state";

    private static readonly string OperatorActor = Commands.IdentityCommands.OperatorActor;

    /// <summary>Creates the client; <paramref name="http"/> is the directory manager's request, or null for the operator's command.</summary>
    public async Task<CreatedMachineClient> CreateAsync(
        string? clientId, string? state, IReadOnlyCollection<string> scopes, string? displayName, CancellationToken ct, HttpContext? http = null)
    {
        var errors = new FieldErrors();
        clientId = clientId?.Trim() ?? "";
        if (!ClientIdPattern().IsMatch(clientId))
        {
            errors.Add("clientId", $"'{clientId}': use 3 to 64 lower-case letters, digits and hyphens.");
        }
        else if (Guid.TryParse(clientId, out _))
        {
            // A client's tokens name it as their subject; a person's account id is a GUID: never the same.
            errors.Add("clientId", "A client id must not look like an account id (a GUID): use a name, e.g. cert-fra-misp.");
        }
        state = state?.Trim().ToUpperInvariant() ?? "";
        if (!await db.MemberStates.AnyAsync(s => s.Iso3 == state, ct))
        {
            errors.Add("state", await db.MemberStates.AnyAsync(ct)
                ? $"'{state}' is not the ISO 3166-1 alpha-3 code of a Member or observer State."
                : "The copy of the Member States is still empty: start the system once so that Identity receives it.");
        }
        var unknown = scopes.Except(ApiScopes.MachineReadable).ToList();
        if (unknown.Count > 0 || scopes.Count == 0)
        {
            errors.Add("scopes", $"A machine client may have one or more of {string.Join(", ", ApiScopes.MachineReadable)}"
                + (unknown.Count > 0 ? $", not {string.Join(", ", unknown)}." : "."));
        }
        if (displayName is { Length: > 200 })
        {
            errors.Add("name", "At most 200 characters.");
        }
        if (!errors.Any && await applications.FindByClientIdAsync(clientId, ct) is not null)
        {
            errors.Add("clientId", $"'{clientId}' is taken.");
        }
        errors.ThrowIfAny();

        var secret = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = displayName ?? $"{clientId} ({state})",
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }
        descriptor.Properties[StateProperty] = JsonSerializer.SerializeToElement(state);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await applications.CreateAsync(descriptor, ct);
        db.AddAuditRecord(ResourceNames.Identity, "machine-client.created", AuditOutcomes.Success, http,
            actor: http is null ? OperatorActor : null, target: clientId, state: state, detail: string.Join(' ', scopes));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new CreatedMachineClient(clientId, secret, state, scopes.ToList());
    }

    /// <summary>Deletes the client: it gets no new token, and those it holds are refused everywhere within a minute.</summary>
    public async Task<bool> RevokeAsync(string clientId, CancellationToken ct, HttpContext? http = null)
    {
        var application = await applications.FindByClientIdAsync(clientId, ct);
        if (application is null || !(await applications.GetPropertiesAsync(application, ct)).ContainsKey(StateProperty))
        {
            return false;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await applications.DeleteAsync(application, ct);
        db.AddAuditRecord(ResourceNames.Identity, "machine-client.revoked", AuditOutcomes.Success, http,
            actor: http is null ? OperatorActor : null, target: clientId);
        // Tokens already issued stop working everywhere within RevocationList.RefreshInterval.
        db.AddIntegrationEvent(new PrincipalRevoked { Subject = clientId, RevokedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>Every machine client (the clients bound to a State), by id.</summary>
    public async Task<IReadOnlyList<MachineClientView>> ListAsync(CancellationToken ct)
    {
        var list = new List<MachineClientView>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, ct))
        {
            var properties = await applications.GetPropertiesAsync(application, ct);
            if (!properties.TryGetValue(StateProperty, out var state) || state.ValueKind != JsonValueKind.String)
            {
                continue; // the Web, not a machine client
            }
            var permissions = await applications.GetPermissionsAsync(application, ct);
            list.Add(new MachineClientView(
                (await applications.GetClientIdAsync(application, ct))!,
                await applications.GetDisplayNameAsync(application, ct),
                state.GetString()!,
                [.. permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal)).Select(p => p[Permissions.Prefixes.Scope.Length..]).Order()]));
        }
        return [.. list.OrderBy(c => c.ClientId, StringComparer.Ordinal)];
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,63}$")]
    private static partial Regex ClientIdPattern();
}
