using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.BuildingBlocks.Security;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Invitations;
using PocDirectory.Meetings.Letters;

namespace PocDirectory.Meetings.Silence;

/// <summary>What the Chair's office is told at once: an objection received or withdrawn, an outcome decided.</summary>
public static class ChairOfficeNotice
{
    public const string Template = "silence-notice";

    /// <summary>The Chair's office's address: <c>Meetings:ChairOfficeEmail</c>, or the organizer's of the invitations.</summary>
    public static string Address(IConfiguration configuration) =>
        configuration["Meetings:ChairOfficeEmail"] is { Length: > 0 } address ? address : InvitationMail.Organizer(configuration).Email;

    /// <summary>Adds the notice about a silence procedure to the caller's transaction (the outbox); its id is derived from what it tells, so it is told once.</summary>
    public static void Send(MeetingsDbContext db, IConfiguration configuration, SilenceProcedure procedure, string what, string subject, string text) =>
        Send(db, configuration, DerivedIds.From("silence-notice", procedure.Id.ToString(), what), $"/silence/{procedure.Id}", subject, text);

    /// <summary>Adds a notice to the caller's transaction (the outbox), with the link to <paramref name="path"/> in the Web.</summary>
    public static void Send(MeetingsDbContext db, IConfiguration configuration, Guid emailId, string path, string subject, string text)
    {
        var web = AuthenticationExtensions.WebUrl(configuration);
        db.AddIntegrationEvent(new SendEmail
        {
            EmailId = emailId, To = Address(configuration), ToName = "Chair's office", Template = Template, RequestedBy = ResourceNames.Meetings,
            Values = new Dictionary<string, string> { ["subject"] = subject, ["text"] = text, ["link"] = web is null ? "" : web + path },
        });
    }
}

/// <summary>
/// Decides each silence procedure at its expiry, once. The procedure's row is the deadline: it is claimed with
/// FOR UPDATE SKIP LOCKED once the clock has reached the expiry, so two replicas never decide the same one, and an
/// objection still being received (which holds the row FOR SHARE until it commits) is counted before the decision.
/// The outcome, the objections that stood, the adoption letter to every mission and the Chair's office's notice
/// are one transaction: a kill at any point leaves either none of it or all of it.
/// </summary>
public sealed partial class SilenceDeadlines(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<SilenceDeadlines> logger)
    : DeadlineWorker(clock, logger)
{
    /// <summary>One procedure per transaction: one that cannot be decided never holds back the others.</summary>
    protected override int Batch => 1;

    /// <summary>How often the worker looks for an expiry reached: <c>Meetings:SilenceCheckSeconds</c>, 5 by default (an outcome within seconds of the expiry).</summary>
    protected override TimeSpan Interval => TimeSpan.FromSeconds(configuration.GetValue("Meetings:SilenceCheckSeconds", 5.0));

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var now = Clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var due = await db.SilenceProcedures
            .FromSql($"""
                SELECT * FROM silence_procedures
                WHERE "Status" = {SilenceStatuses.UnderSilence} AND "ExpiresAt" <= {now}
                ORDER BY "ExpiresAt"
                LIMIT {Batch}
                FOR UPDATE SKIP LOCKED
                """)
            .InOrder(s => s.ExpiresAt)
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }
        var missions = await MissionList.LoadAsync(db, ct);
        if (!missions.Complete)
        {
            // The letters go to every mission or none: while the list of States is being filled again, the decision waits.
            // It still counts only the objections received before the expiry (later ones were refused), so it is the same.
            LogWaiting(Logger, missions.States.Count);
            return 0;
        }
        var names = missions.States.ToDictionary(s => s.Iso3, s => s.Name);
        var web = AuthenticationExtensions.WebUrl(configuration);
        foreach (var procedure in due)
        {
            Claimed(procedure.ExpiresAt);
            // Every objection standing now was received before the expiry: one is taken only while the row is held and the
            // clock is before it, and the row is ours now.
            var standing = await db.SilenceObjections.AsNoTracking()
                .Where(o => o.ProcedureId == procedure.Id && o.WithdrawnAt == null && o.ReceivedAt < procedure.ExpiresAt)
                .OrderBy(o => o.ReceivedAt).Select(o => o.State).ToListAsync(ct);
            procedure.DecidedAt = now;
            procedure.UpdatedAt = now;
            procedure.Revision++;
            if (standing.Count == 0)
            {
                procedure.Status = SilenceStatuses.Passed;
                procedure.AnnouncedAt = now;
                SilenceLetters.Send(db, procedure, SilenceLetters.Adoption(procedure, now), missions, web, now);
                ChairOfficeNotice.Send(db, configuration, procedure, "outcome", $"Silence passed: {procedure.Subject}",
                    $"No objection stood at the expiry, {SilenceLetters.Describe(procedure.ExpiresAt, procedure.Zone)}. The proposal is adopted, and every Permanent Mission has been sent the letter announcing it.");
            }
            else
            {
                procedure.Status = SilenceStatuses.Broken;
                procedure.BrokenBy = standing;
                ChairOfficeNotice.Send(db, configuration, procedure, "outcome", $"Silence broken: {procedure.Subject}",
                    $"At the expiry, {SilenceLetters.Describe(procedure.ExpiresAt, procedure.Zone)}, {standing.Count} objection{(standing.Count == 1 ? "" : "s")} stood, of {SilenceLetters.Names(standing, names)}. The proposal is not adopted. The missions are told when you announce it.");
            }
            db.AddAuditRecord(ResourceNames.Meetings, "silence.decided", Contracts.Audit.AuditOutcomes.Success, actor: "silence-deadline", target: procedure.Id.ToString(),
                detail: $"{procedure.Status}; {standing.Count} objections stood");
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A silence procedure's expiry is reached, but only {States} States are known: the decision waits for the whole list")]
    private static partial void LogWaiting(ILogger logger, int states);
}
