using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Model;

namespace PocDirectory.Nominations.Workflow;

/// <summary>
/// The nominee's 14 days: one reminder after 7 days without an answer, and at 14 days the nomination
/// lapses and the focal point is told. Due nominations are claimed with <c>FOR UPDATE SKIP LOCKED</c>,
/// so with several replicas each is handled once, and after a restart nothing due is missed.
/// </summary>
public sealed class ConfirmationDeadlines(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<ConfirmationDeadlines> logger)
    : DeadlineWorker(clock, logger)
{
    protected override int Batch => 100;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(configuration.GetValue("Nominations:DeadlineCheckSeconds", 60));

    /// <summary>Handles up to one batch of due nominations; returns how many.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NominationsDbContext>();
        var desk = scope.ServiceProvider.GetRequiredService<NominationDesk>();
        var now = Clock.GetUtcNow();
        var remindBefore = now - Nomination.ReminderAfter;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // xmin, the row version, is a system column: "*" leaves it out.
        var due = await db.Nominations
            .FromSql($"""
                SELECT *, xmin FROM nominations
                WHERE "Status" = 'AwaitingConfirmation'
                  AND ("ConfirmationExpiresAt" <= {now} OR ("ConfirmationReminderSentAt" IS NULL AND "SubmittedAt" <= {remindBefore}))
                ORDER BY "SubmittedAt"
                LIMIT {Batch}
                FOR UPDATE SKIP LOCKED
                """)
            .InOrder(n => n.SubmittedAt)
            .ToListAsync(ct);
        foreach (var nomination in due)
        {
            nomination.UpdatedAt = now;
            if (nomination.ConfirmationExpiresAt <= now)
            {
                Claimed(nomination.ConfirmationExpiresAt.Value);
                nomination.Status = NominationStatus.Lapsed;
                nomination.ConfirmationTokenHash = null;
                db.NominationEvents.Add(new NominationEvent
                {
                    NominationId = nomination.Id, At = now, Actor = "system", ActorName = "The directory",
                    Action = "lapsed", Detail = "The nominee did not confirm within 14 days",
                });
                await desk.TellFocalPointAsync(nomination, "lapsed", "The nominee did not confirm within 14 days.", ct);
            }
            else
            {
                nomination.ConfirmationReminderSentAt = now;
                await desk.AskNomineeAsync(nomination, now, reminder: true, ct);
                db.NominationEvents.Add(new NominationEvent
                {
                    NominationId = nomination.Id, At = now, Actor = "system", ActorName = "The directory",
                    Action = "reminded", Detail = "The nominee was reminded; the new link replaces the first",
                });
            }
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return due.Count;
    }
}
