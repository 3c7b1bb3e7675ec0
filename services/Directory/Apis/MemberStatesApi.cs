using PocDirectory.BuildingBlocks.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using PocDirectory.BuildingBlocks.Caching;
using PocDirectory.Directory.Model;

namespace PocDirectory.Directory.Apis;

/// <summary>
/// The reference list of States. Public reference data (names, ISO codes, regional groups), not
/// directory contacts, so it needs no sign-in.
/// </summary>
public static class MemberStatesApi
{
    public static RouteGroupBuilder MapMemberStatesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/directory/member-states").WithTags("Member States").AllowAnonymous().NotAudited("public reference data");
        group.MapGet("/", ListAsync);
        group.MapGet("/{code}", GetAsync);
        return group;
    }

    /// <summary>Every State, sorted by name; optionally only one regional group and/or status.</summary>
    public static async Task<Results<CachedJsonResult<IReadOnlyList<MemberStateResponse>>, ValidationProblem>> ListAsync(
        string? regionalGroup, string? status, MemberStateReader reader, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        RegionalGroup? groupFilter = null;
        if (regionalGroup is not null)
        {
            if (RegionalGroups.TryParse(regionalGroup, out var parsed))
            {
                groupFilter = parsed;
            }
            else
            {
                errors["regionalGroup"] = [$"'{regionalGroup}' is not a UN regional group. Use one of: {RegionalGroups.AllowedValues}."];
            }
        }
        UnStatus? statusFilter = null;
        if (status is not null)
        {
            var name = Enum.GetNames<UnStatus>().FirstOrDefault(n => n.Equals(status.Trim(), StringComparison.OrdinalIgnoreCase));
            if (name is not null)
            {
                statusFilter = Enum.Parse<UnStatus>(name);
            }
            else
            {
                errors["status"] = [$"'{status}' is not a status. Use Member or Observer."];
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The filter is not valid.");
        }

        return new CachedJsonResult<IReadOnlyList<MemberStateResponse>>(await reader.GetJsonAsync(groupFilter, statusFilter, ct));
    }

    /// <summary>One State by its ISO 3166-1 alpha-2 or alpha-3 code, in any case.</summary>
    public static async Task<Results<Ok<MemberStateResponse>, ProblemHttpResult>> GetAsync(
        string code, MemberStateReader reader, CancellationToken ct)
    {
        var all = await reader.GetAllAsync(ct);
        var state = all.FirstOrDefault(s =>
            string.Equals(s.Iso2, code, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(s.Iso3, code, StringComparison.OrdinalIgnoreCase));
        return state is not null
            ? TypedResults.Ok(state)
            : TypedResults.Problem(
                title: "No such State.",
                detail: $"No Member State or observer State has the ISO 3166-1 code '{code}'.",
                statusCode: StatusCodes.Status404NotFound);
    }
}
