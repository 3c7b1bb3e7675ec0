using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Audit;

namespace PocDirectory.BuildingBlocks.Audit;

public static class AuditExtensions
{
    /// <summary>
    /// Adds an audit record to the outbox of <paramref name="db"/>: it commits with the act it
    /// describes, or not at all. Who, roles and State come from the caller's token; the trace id from
    /// the current activity; the address from the connection.
    /// </summary>
    public static void AddAuditRecord(this DbContext db, string service, string action, string outcome,
        HttpContext? http = null, string? actor = null, string? target = null, string? state = null, string? detail = null)
    {
        var user = http?.User;
        db.AddIntegrationEvent(new AuditRecorded
        {
            AuditId = Guid.NewGuid(),
            OccurredAt = DateTimeOffset.UtcNow,
            Service = service,
            Actor = actor ?? user?.FindFirstValue("sub") ?? "anonymous",
            Roles = user is null ? null : string.Join(' ', user.FindAll("role").Select(c => c.Value)) is { Length: > 0 } roles ? roles : null,
            State = state ?? user?.FindFirstValue(ApiScopes.StateClaim),
            Action = action,
            Target = target,
            Outcome = outcome,
            Detail = detail,
            TraceId = Activity.Current?.TraceId.ToHexString(),
            ClientIp = http?.Connection.RemoteIpAddress?.ToString(),
        });
    }
}
