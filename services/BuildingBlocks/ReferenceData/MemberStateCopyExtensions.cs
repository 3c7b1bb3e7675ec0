using PocDirectory.BuildingBlocks.Audit;
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
        group.MapGet("/member-states", handler).NotAudited("reference data");
        return group;
    }

    /// <summary>The 193 Member States of the United Nations (a complete copy holds the two observer States too).</summary>
    public const int MemberStateCount = 193;

    /// <summary>
    /// The service's copy once it is complete, by ISO alpha-3: it arrives from the Directory one State per
    /// message shortly after a first start. Gives up after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<List<MemberStateCopy>> WaitForCompleteCopyAsync(this DbContext db, TimeProvider clock, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + timeout;
        while (true)
        {
            var states = await db.Set<MemberStateCopy>().AsNoTracking().OrderBy(s => s.Iso3).ToListAsync(ct);
            if (states.Count >= MemberStateCount)
            {
                return states;
            }
            if (clock.GetUtcNow() > deadline)
            {
                throw new InvalidOperationException(
                    $"The copy of the Member States holds {states.Count} of them after {timeout.TotalMinutes:0} minutes: is the Directory running?");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), clock, ct);
        }
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
