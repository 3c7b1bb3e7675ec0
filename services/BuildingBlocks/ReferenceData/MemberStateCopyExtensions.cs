using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace PocDirectory.BuildingBlocks.ReferenceData;

public sealed record MemberStateCopyItem(string Iso2, string Iso3, string Name, string RegionalGroup, string UnStatus, long Revision);

public static class MemberStateCopyExtensions
{
    /// <summary>Consumes <c>MemberStatePublished</c> on the queue <c>{service}-member-state-published</c>.</summary>
    public static void AddMemberStateCopy<TContext>(this IBusRegistrationConfigurator bus, string serviceName)
        where TContext : DbContext
    {
        bus.AddConsumer<MemberStateCopyConsumer<TContext>>()
            .Endpoint(e => e.Name = $"{serviceName}-member-state-published");
        bus.AddHostedService<MemberStateCopyBootstrapper<TContext>>();
    }

    /// <summary><c>GET {prefix}/member-states</c>: this service's copy, for diagnostics and end-to-end checks.</summary>
    public static RouteGroupBuilder MapMemberStateCopyApi<TContext>(this IEndpointRouteBuilder routes, string prefix)
        where TContext : DbContext
    {
        var group = routes.MapGroup(prefix).WithTags("Reference data");
        // Passed as a Delegate: the route analyzer cannot follow a generic method group.
        Delegate handler = GetCopyAsync<TContext>;
        group.MapGet("/member-states", handler);
        return group;
    }

    private static async Task<Ok<List<MemberStateCopyItem>>> GetCopyAsync<TContext>(TContext db, CancellationToken ct)
        where TContext : DbContext
    {
        var items = await db.Set<MemberStateCopy>().AsNoTracking()
            .OrderBy(s => s.Name)
            .Select(s => new MemberStateCopyItem(s.Iso2, s.Iso3, s.Name, s.RegionalGroup, s.UnStatus, s.Revision))
            .ToListAsync(ct);
        return TypedResults.Ok(items);
    }
}
