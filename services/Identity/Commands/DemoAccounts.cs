using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Demo;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Contracts.Audit;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Tokens;

namespace PocDirectory.Identity.Commands;

/// <summary>A demo account as written to the demo file: everything a newcomer needs to sign in.</summary>
public sealed record DemoAccount(string Email, string Name, IReadOnlyList<string> Roles, string? State, string Password, string TotpSecret);

public sealed record DemoMachineClient(string ClientId, string ClientSecret, string State, IReadOnlyList<string> Scopes);

public sealed record DemoAccountsFile(string? Web, string? Gateway, IReadOnlyList<DemoAccount> Accounts, IReadOnlyList<DemoMachineClient> MachineClients);

/// <summary>
/// The accounts of the demo data set: one per role, and a focal point and a point of contact for each
/// of <see cref="DemoRoster.AccountStates"/>, with a password and an authenticator app already set up,
/// and a machine client for each of those States. Their secrets are written to a file readable by its
/// owner only. It refuses to run where an account outside example.org exists: that is real data.
/// </summary>
public sealed class DemoAccounts(PocIdentityDbContext db, UserManager<PocUser> users, MachineClients clients, IConfiguration configuration, TimeProvider clock)
{
    public static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Who the demo accounts are: e-mail, name, roles and State.</summary>
    public static IReadOnlyList<(string Email, string Name, string[] Roles, string? State)> People { get; } =
    [
        ($"directory.manager@{DemoRoster.Domain}", "Demo Directory Manager", [Roles.DirectoryManager], null),
        ($"chair.office@{DemoRoster.Domain}", "Demo Chair's Office", [Roles.ChairOffice], null),
        ($"operations@{DemoRoster.Domain}", "Demo Operations", [Roles.Operations], null),
        .. DemoRoster.AccountStates.SelectMany(state => new (string, string, string[], string?)[]
        {
            (DemoRoster.FocalPointEmail(state), $"Demo Focal Point of {state}", [Roles.FocalPoint], state),
            (DemoRoster.PocEmail(state), $"Demo Point of Contact of {state}", [Roles.PointOfContact], state),
            (DemoRoster.DelegateEmail(state), $"Demo Delegate of {state}", [Roles.Delegate], state),
        }),
    ];

    /// <summary>Creates what is missing and writes <paramref name="path"/>; keeps an earlier file whose accounts all exist.</summary>
    public async Task<string> SeedAsync(string path, CancellationToken ct)
    {
        var real = await db.Users.Where(u => !u.Email!.EndsWith("@" + DemoRoster.Domain)).Select(u => u.Email).FirstOrDefaultAsync(ct);
        if (real is not null)
        {
            throw new InvalidOperationException(
                $"This state folder holds real accounts ({real}, …): the demo data set is only added to a system without real data. Use ./run.sh --demo --reset, or another --state-dir.");
        }
        // The demo accounts of a State need that State in Identity's copy.
        await db.WaitForCompleteCopyAsync(clock, TimeSpan.FromMinutes(2), ct);
        var emails = People.Select(p => p.Email.ToUpperInvariant()).ToList();
        var existing = await db.Users.CountAsync(u => emails.Contains(u.NormalizedEmail!), ct);
        if (existing == People.Count && File.Exists(path))
        {
            return $"The demo accounts exist already; their passwords and authenticator secrets are in {path}.";
        }

        var accounts = new List<DemoAccount>();
        foreach (var (email, name, roles, state) in People)
        {
            accounts.Add(await AccountAsync(email, name, roles, state));
        }
        var machines = new List<DemoMachineClient>();
        foreach (var state in DemoRoster.AccountStates)
        {
            var clientId = $"demo-cert-{state.ToLowerInvariant()}";
            await clients.RevokeAsync(clientId, ct); // a new secret: the old one was only in the old file
            var created = await clients.CreateAsync(clientId, state, [ApiScopes.DirectoryRead], $"Demo CERT tool of {state}", ct);
            machines.Add(new DemoMachineClient(created.ClientId, created.ClientSecret, created.State, created.Scopes));
        }
        var file = new DemoAccountsFile(AuthenticationExtensions.WebUrl(configuration), configuration["services:gateway:http:0"], accounts, machines);
        WriteOwnerOnly(path, JsonSerializer.Serialize(file, FileJson));
        return $"{accounts.Count} demo accounts and {machines.Count} machine clients; passwords, authenticator secrets and client secrets are in {path}.";
    }

    private async Task<DemoAccount> AccountAsync(string email, string name, string[] roles, string? state)
    {
        var password = "Demo-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var user = await users.FindByEmailAsync(email);
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (user is null)
        {
            user = new PocUser
            {
                UserName = email,
                Email = email,
                EmailConfirmed = true,
                DisplayName = name,
                State = state,
                CreatedAt = clock.GetUtcNow(),
                LockoutEnabled = false, // failures slow attempts down instead (SignInThrottle)
            };
            Check(await users.CreateAsync(user, password));
            Check(await users.AddToRolesAsync(user, roles));
        }
        else
        {
            Check(await users.RemovePasswordAsync(user));
            Check(await users.AddPasswordAsync(user, password));
        }
        Check(await users.ResetAuthenticatorKeyAsync(user));
        var secret = await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("No authenticator key.");
        user.AuthenticatorConfirmedAt = clock.GetUtcNow();
        Check(await users.SetTwoFactorEnabledAsync(user, true));
        db.AddAuditRecord(ResourceNames.Identity, "demo.account", AuditOutcomes.Success,
            actor: DemoRoster.Actor, target: email, state: state, detail: string.Join(' ', roles));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return new DemoAccount(email, name, roles, state, password, secret);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    private static void WriteOwnerOnly(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.Delete(path); // created anew, so that it is created readable by its owner only
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(content);
    }
}
