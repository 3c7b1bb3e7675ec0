using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Persistence;
using Microsoft.Extensions.Options;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.Contracts.Audit;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Model;

namespace PocDirectory.Nominations.Workflow;

/// <summary>
/// The schedule of update requests: every <see cref="UpdateRequestOptions.IntervalMonths"/> a round asks
/// each participating State; an unanswered request is reminded once after
/// <see cref="UpdateRequestOptions.ReminderAfterDays"/> and marked overdue once after
/// <see cref="UpdateRequestOptions.OverdueAfterDays"/>. The schedule row and the due requests are
/// claimed with <c>FOR UPDATE SKIP LOCKED</c>, so with several replicas each fires once, and after a
/// restart nothing due is missed.
/// </summary>
public sealed partial class UpdateRequestRounds(IServiceScopeFactory scopes, TimeProvider clock, IOptions<UpdateRequestOptions> options, ILogger<UpdateRequestRounds> logger)
    : DeadlineWorker(clock, logger)
{
    protected override int Batch => 100;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.Value.CheckSeconds);

    /// <summary>
    /// Starts the round if it is due, then handles up to one batch of due reminders and overdue marks;
    /// returns how many requests it opened, reminded or marked.
    /// </summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct) =>
        await StartDueRoundAsync(ct) + await HandleDueRequestsAsync(ct);

    /// <summary>Starts the scheduled round if due (creating the schedule at first start); returns the number of States asked.</summary>
    public async Task<int> StartDueRoundAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
        var desk = scope.ServiceProvider.GetRequiredService<UpdateRequestDesk>();
        var now = Clock.GetUtcNow();
        await desk.EnsureScheduleAsync(now, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // xmin, the row version, is a system column: "*" leaves it out.
        var due = await db.UpdateRequestSchedules
            .FromSql($"""
                SELECT *, xmin FROM update_request_schedule
                WHERE "Id" = {UpdateRequestSchedule.SingleId} AND "NextRoundAt" <= {now}
                FOR UPDATE SKIP LOCKED
                """)
            .InOrder(s => s.Id)
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }
        var schedule = due[0];
        var asked = await desk.OpenRequestsAsync(null, "system", now, ct);
        schedule.LastRoundAt = now;
        // From the time it was due, so that rounds keep their rhythm; a schedule missed for longer catches up once.
        var next = schedule.NextRoundAt.AddMonths(options.Value.IntervalMonths);
        schedule.NextRoundAt = next > now ? next : now.AddMonths(options.Value.IntervalMonths);
        db.AddAuditRecord(ResourceNames.Nominations, "update-request.round-started", AuditOutcomes.Success, actor: "system",
            target: "all", detail: $"{asked.Count} States asked");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        LogRound(asked.Count, schedule.NextRoundAt);
        return asked.Count;
    }

    /// <summary>Reminds or marks overdue up to one batch of unanswered requests; returns how many.</summary>
    public async Task<int> HandleDueRequestsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
        var desk = scope.ServiceProvider.GetRequiredService<UpdateRequestDesk>();
        var now = Clock.GetUtcNow();
        var remindBefore = now - options.Value.ReminderAfter;
        var overdueBefore = now - options.Value.OverdueAfter;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // xmin, the row version, is a system column: "*" leaves it out.
        var due = await db.UpdateRequests
            .FromSql($"""
                SELECT *, xmin FROM update_requests
                WHERE "Status" = 'open'
                  AND ("RequestedAt" <= {overdueBefore} OR ("RemindedAt" IS NULL AND "RequestedAt" <= {remindBefore}))
                ORDER BY "RequestedAt"
                LIMIT {Batch}
                FOR UPDATE SKIP LOCKED
                """)
            .InOrder(r => r.RequestedAt)
            .ToListAsync(ct);
        var names = due.Count == 0 ? [] : await UpdateRequestDesk.StateNamesAsync(db, ct);
        foreach (var request in due)
        {
            await db.Entry(request).Collection(r => r.Entries).LoadAsync(ct);
            if (request.RequestedAt <= overdueBefore)
            {
                // Overdue says more than a late reminder: a request found overdue is not reminded as well.
                desk.MarkOverdue(request, names.GetValueOrDefault(request.State, request.State), now);
            }
            else
            {
                desk.Remind(request, names.GetValueOrDefault(request.State, request.State), now);
            }
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Update request round started: {Asked} States asked; next round at {NextRoundAt}")]
    private partial void LogRound(int asked, DateTimeOffset nextRoundAt);
}
