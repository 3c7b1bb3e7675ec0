using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Identity.Accounts;
using PocDirectory.Identity.Tokens;

namespace PocDirectory.Identity.Apis;

public sealed record CreateMachineClientRequest(string? ClientId, string? State, IReadOnlyList<string>? Scopes, string? Name);

/// <summary>
/// The directory manager's administration of machine clients (national CERT tools): list, create
/// (the secret is in this one answer, never again), revoke.
/// </summary>
public static class MachineClientsApi
{
    public static void MapMachineClientsApi(this IEndpointRouteBuilder routes)
    {
        var clients = routes.MapGroup("/api/identity/machine-clients").RequireAuthorization(AccountPolicies.DirectoryManager);
        clients.MapGet("", (MachineClients machineClients, CancellationToken ct) => machineClients.ListAsync(ct)).Audited("machine-clients.read", ResourceNames.Identity);
        clients.MapPost("", CreateAsync).AuditedByHandler("machine-client.created");
        clients.MapDelete("/{clientId}", async (string clientId, MachineClients machineClients, HttpContext http, CancellationToken ct) =>
            await machineClients.RevokeAsync(clientId, ct, http)
                ? Results.NoContent()
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such machine client."))
            .AuditedByHandler("machine-client.revoked");
    }

    private static async Task<IResult> CreateAsync(CreateMachineClientRequest request, MachineClients machineClients, HttpContext http, CancellationToken ct)
    {
        try
        {
            var created = await machineClients.CreateAsync(request.ClientId, request.State, request.Scopes ?? [], request.Name, ct, http);
            // The secret is in this answer only: never cached, never logged.
            http.Response.Headers.CacheControl = "no-store";
            return Results.Created($"/api/identity/machine-clients/{created.ClientId}", created);
        }
        catch (FieldErrorsException ex)
        {
            return Results.ValidationProblem(ex.Errors, title: "The machine client cannot be created.");
        }
    }
}
