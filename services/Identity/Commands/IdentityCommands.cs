using PocDirectory.BuildingBlocks.Validation;
using Microsoft.AspNetCore.Identity;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Audit;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Tokens;

namespace PocDirectory.Identity.Commands;

/// <summary>
/// Administrative commands run with the service's own configuration (<c>ConnectionStrings__identitydb</c>),
/// for operators of the Secretariat; <c>scripts/identity.sh</c> runs them against the local system.
/// </summary>
public static class IdentityCommands
{
    public const string Usage = """
        Usage: PocDirectory.Identity machine-client add --client-id ID --state ISO3 [--scopes a,b] [--name NAME]
               PocDirectory.Identity machine-client revoke --client-id ID
               PocDirectory.Identity invitation create --email ADDRESS --name NAME --roles r1,r2 [--state ISO3]
                 (roles: directory-manager, focal-point, point-of-contact, chair-office, operations;
                  the first directory manager of a fresh system is invited this way)
               PocDirectory.Identity signing-key rotate
               PocDirectory.Identity audit verify
               PocDirectory.Identity demo accounts --out FILE
                 (the demo data set's accounts and machine clients, their secrets written to FILE; refused where real accounts exist)
        """;

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "machine-client" or "signing-key" or "audit" or "invitation" or "demo";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDatabase<PocIdentityDbContext>(ResourceNames.IdentityDb);
        builder.Services.AddOpenIddict().AddCore(core => core.UseEntityFrameworkCore().UseDbContext<PocIdentityDbContext>());
        builder.Services.AddScoped<MachineClients>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddIdentityCore<PocUser>(AccountOptions.Apply)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PocIdentityDbContext>();
        builder.Services.AddScoped<Invitations>();
        builder.Services.AddScoped<DemoAccounts>();
        using var host = builder.Build();
        await host.MigrateDatabaseAsync<PocIdentityDbContext>();
        await using var scope = host.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        try
        {
            var options = Options(args.Skip(2).ToArray());
            switch ((args[0], args.ElementAtOrDefault(1)))
            {
                case ("machine-client", "add"):
                    var scopes = (options.GetValueOrDefault("--scopes") ?? ApiScopes.DirectoryRead)
                        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var created = await services.GetRequiredService<MachineClients>().CreateAsync(
                        Required(options, "--client-id"), Required(options, "--state"), scopes, options.GetValueOrDefault("--name"), CancellationToken.None);
                    Console.WriteLine($"client_id:     {created.ClientId}");
                    Console.WriteLine($"client_secret: {created.ClientSecret}");
                    Console.WriteLine($"state:         {created.State}");
                    Console.WriteLine($"scopes:        {string.Join(' ', created.Scopes)}");
                    Console.WriteLine("The secret is shown this once; only its hash is stored.");
                    return 0;
                case ("machine-client", "revoke"):
                    var id = Required(options, "--client-id");
                    if (!await services.GetRequiredService<MachineClients>().RevokeAsync(id, CancellationToken.None))
                    {
                        Console.Error.WriteLine($"No machine client '{id}'.");
                        return 1;
                    }
                    Console.WriteLine($"Revoked {id}: no new token; the tokens it holds are refused everywhere within a minute.");
                    return 0;
                case ("invitation", "create"):
                    var roles = Required(options, "--roles").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var sent = await services.GetRequiredService<Invitations>().InviteAsync(
                        Required(options, "--email"), Required(options, "--name"), roles, options.GetValueOrDefault("--state"),
                        OperatorActor, http: null, CancellationToken.None);
                    Console.WriteLine($"Invitation e-mailed to {sent.Email}; the link works once, until {sent.ExpiresAt:yyyy-MM-dd HH:mm} UTC:");
                    Console.WriteLine(sent.Link);
                    return 0;
                case ("signing-key", "rotate"):
                    var key = await SigningKeyStore.RotateAsync(services.GetRequiredService<PocIdentityDbContext>(),
                        KeyEncryptionKey.From(builder.Configuration, ".pocdir/secrets/identity-key-encryption-key"), TimeProvider.System, CancellationToken.None);
                    Console.WriteLine($"New signing key {key.Id:N}: published now, signing from {key.ActivatesAt:yyyy-MM-dd HH:mm:ss} UTC (every Identity replica picks it up by itself); the previous one stays published until {key.ActivatesAt + SigningKeyStore.Overlap:yyyy-MM-dd HH:mm:ss} UTC.");
                    return 0;
                case ("audit", "verify"):
                    var checkpointFile = new AuditCheckpointFile(builder.Configuration);
                    var result = await AuditLog.VerifyAsync(services.GetRequiredService<PocIdentityDbContext>(),
                        AuditChainKey.From(builder.Configuration).Bytes, checkpointFile, CancellationToken.None);
                    if (result is { Anchored: true, Newest: { } newest })
                    {
                        Console.WriteLine($"Audit log intact: {result.Records} records, each chained to the one before and keyed.");
                        Console.WriteLine($"{result.Checkpoints} checkpoints outside the database agree with it (the newest, of {newest.At:u}, at record {newest.Sequence}).");
                        return 0;
                    }
                    if (result.Intact)
                    {
                        // Not "intact": without a checkpoint, a log cut at its end or rewritten whole would read the same.
                        Console.Error.WriteLine($"Audit log NOT ANCHORED: {result.Records} records chain, but no checkpoint outside the database "
                            + $"({checkpointFile.Path ?? "Audit:CheckpointFile is not set"}) vouches for them: records cut from its end, or a log rewritten whole, would not show.");
                        return 3;
                    }
                    Console.Error.WriteLine($"Audit log BROKEN at record {result.BrokenAt}: {result.Problem}.");
                    return 1;
                case ("demo", "accounts"):
                    Console.WriteLine(await services.GetRequiredService<DemoAccounts>().SeedAsync(Required(options, "--out"), CancellationToken.None));
                    return 0;
                default:
                    throw new ArgumentException($"Unknown command '{string.Join(' ', args.Take(2))}'.");
            }
        }
        catch (FieldErrorsException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
        catch (InvalidOperationException ex) when (args[0] == "demo")
        {
            Console.Error.WriteLine(ex.Message);
            return 3;
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }

    /// <summary>Who acts, for the audit log: the operator running the command on the server.</summary>
    public static readonly string OperatorActor = $"operator:{Environment.UserName}";

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"'{args[i]}' needs a value.");
            }
            options[args[i]] = args[i + 1];
        }
        return options;
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.GetValueOrDefault(name) ?? throw new ArgumentException($"{name} is required.");
}
