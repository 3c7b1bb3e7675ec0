using OpenIddict.Abstractions;

namespace PocDirectory.Identity.Tokens;

/// <summary>Registers each API scope with the audience it grants, so tokens name the services they are for.</summary>
public static class ScopeSeeder
{
    public static async Task SeedScopesAsync(this IHost app, CancellationToken ct = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var scopes = scope.ServiceProvider.GetRequiredService<IOpenIddictScopeManager>();
        foreach (var (name, audience) in ApiScopes.Audiences)
        {
            if (await scopes.FindByNameAsync(name, ct) is null)
            {
                await scopes.CreateAsync(new OpenIddictScopeDescriptor { Name = name, Resources = { audience } }, ct);
            }
        }
    }
}
