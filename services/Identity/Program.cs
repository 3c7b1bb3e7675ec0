using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Identity.Apis;
using PocDirectory.Identity.Commands;
using PocDirectory.Identity.Extensions;
using PocDirectory.Identity.Infrastructure;
using PocDirectory.Identity.Tokens;

if (IdentityCommands.IsCommand(args))
{
    return await IdentityCommands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.MigrateDatabaseAsync<PocIdentityDbContext>();
await app.SeedScopesAsync();

app.MapDefaultEndpoints(authenticateEveryRequest: true); // the token server answers from the authentication step
app.MapTokenApi();

app.Run();
return 0;
