using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PocDirectory.Contracts.Audit;

namespace PocDirectory.BuildingBlocks.Audit;

/// <summary>
/// What an endpoint leaves in the audit log, as endpoint metadata that a test reads from every mapped endpoint:
/// the actions its handler records in its own transaction (<see cref="AuditedEndpoints.AuditedByHandler{TBuilder}"/>),
/// the action recorded after each successful answer (<see cref="AuditedEndpoints.Audited{TBuilder}"/>), or why it
/// records nothing (<see cref="AuditedEndpoints.NotAudited{TBuilder}"/>).
/// </summary>
public sealed record AuditedEndpoint(IReadOnlyList<string> Actions, bool ByHandler, string? NotAuditedBecause)
{
    /// <summary>As the tests' audit table writes it: "handler:a,b", "filter:a" or "-".</summary>
    public override string ToString() => NotAuditedBecause is not null ? "-" : $"{(ByHandler ? "handler" : "filter")}:{string.Join(',', Actions)}";
}

public static class AuditedEndpoints
{
    /// <summary>
    /// Records <paramref name="action"/> after every successful (2xx) answer: the caller, its address, the route's
    /// values as the target and the State, and the names (not the values) of the query's parameters.
    /// </summary>
    public static TBuilder Audited<TBuilder>(this TBuilder builder, string action, string service) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new AuditedEndpoint([action], ByHandler: false, null));
        return builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
            if (status is >= 200 and < 300)
            {
                var http = context.HttpContext;
                var trail = http.RequestServices.GetRequiredService<AuditTrail>();
                var values = http.Request.RouteValues;
                var target = string.Join('/', values.Where(v => v.Key is not "state").Select(v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture)));
                var query = string.Join(',', http.Request.Query.Keys.Order(StringComparer.Ordinal));
                await trail.RecordAsync(service, action, http, target: target.Length > 0 ? target : null,
                    state: values.TryGetValue("state", out var state) ? Convert.ToString(state, System.Globalization.CultureInfo.InvariantCulture)?.ToUpperInvariant() : null,
                    detail: query.Length > 0 ? $"query: {query}" : null, http.RequestAborted);
            }
            return result;
        });
    }

    /// <summary>The handler records <paramref name="actions"/> itself, in the same transaction as what it does.</summary>
    public static TBuilder AuditedByHandler<TBuilder>(this TBuilder builder, params string[] actions) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AuditedEndpoint(actions, ByHandler: true, null));

    /// <summary>Records nothing, for the reason given (public reference data, the caller's own account, no contact data).</summary>
    public static TBuilder NotAudited<TBuilder>(this TBuilder builder, string because) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AuditedEndpoint([], ByHandler: false, because));

    /// <summary>The service's audit trail for <see cref="Audited{TBuilder}"/>: records go out through its own outbox.</summary>
    public static IServiceCollection AddAuditTrail<TContext>(this IServiceCollection services) where TContext : DbContext =>
        services.AddSingleton(provider => new AuditTrail(provider.GetRequiredService<IServiceScopeFactory>(), typeof(TContext)));
}

/// <summary>
/// Appends one audit record through a service's outbox and saves it, in a database context of its own: nothing the
/// request's context tracks is saved with it.
/// </summary>
public sealed class AuditTrail(IServiceScopeFactory scopes, Type contextType)
{
    public async Task RecordAsync(string service, string action, HttpContext http, string? target, string? state, string? detail, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = (DbContext)scope.ServiceProvider.GetRequiredService(contextType);
        db.AddAuditRecord(service, action, AuditOutcomes.Success, http, target: target, state: state, detail: detail);
        await db.SaveChangesAsync(ct);
    }
}
