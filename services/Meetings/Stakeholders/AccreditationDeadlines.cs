using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Persistence;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Silence;

namespace PocDirectory.Meetings.Stakeholders;

/// <summary>The e-mails an applicant gets: the link to confirm the contact address, and each decision on the application.</summary>
public static class ApplicantMail
{
    public const string ConfirmationTemplate = "stakeholder-confirmation";
    public const string OutcomeTemplate = "stakeholder-outcome";

    /// <summary>A decision on the application, told to its contact once (the e-mail's id is derived from the application and the decision).</summary>
    public static void Outcome(MeetingsDbContext db, StakeholderApplication application, string what, string subject, string text) =>
        db.AddIntegrationEvent(new SendEmail
        {
            EmailId = DerivedIds.From("stakeholder-outcome", application.Id.ToString(), what), To = application.ContactEmail, ToName = application.ContactName,
            Template = OutcomeTemplate, RequestedBy = ResourceNames.Meetings,
            Values = new Dictionary<string, string> { ["name"] = application.ContactName, ["subject"] = subject, ["text"] = text },
        });

    public static void Accredited(MeetingsDbContext db, StakeholderApplication application, string basis) => Outcome(db, application, "accredited",
        $"{application.Organization} is accredited to the Open-ended Working Group",
        $"{application.Organization} is accredited to the Open-ended Working Group as a stakeholder ({basis}). It is on the public list of accredited stakeholders, and may be invited to, and register for, the meetings open to stakeholders.");
}

/// <summary>
/// Decides each round of applications at its deadline, once: the round's row is claimed with FOR UPDATE SKIP LOCKED
/// once the clock has reached it (an objection being received holds it FOR SHARE until it commits), and in one
/// transaction each applicant not objected to is accredited and each one objected to is not; every applicant is told,
/// and the Chair's office gets the counts.
/// </summary>
public sealed class AccreditationDeadlines(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<AccreditationDeadlines> logger)
    : DeadlineWorker(clock, logger)
{
    protected override int Batch => 1;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(configuration.GetValue("Meetings:SilenceCheckSeconds", 5.0));

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var now = Clock.GetUtcNow();
        // Applications never confirmed within the link's life (7 days) are forgotten, a hundred at a time, letters and all.
        var expired = now - TimeSpan.FromDays(7);
        await db.StakeholderApplications.Where(a => a.Status == ApplicationStatuses.AwaitingConfirmation && a.CreatedAt < expired)
            .OrderBy(a => a.CreatedAt).Take(100).ExecuteDeleteAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var round = (await db.AccreditationRounds
            .FromSql($"""
                SELECT * FROM accreditation_rounds
                WHERE "Status" = {RoundStatuses.Circulated} AND "Deadline" <= {now}
                ORDER BY "Deadline"
                LIMIT 1
                FOR UPDATE SKIP LOCKED
                """)
            .InOrder(r => r.Deadline)
            .ToListAsync(ct)).SingleOrDefault();
        if (round is null)
        {
            return 0;
        }
        Claimed(round.Deadline);
        var objected = (await db.AccreditationObjections.AsNoTracking()
            .Where(o => o.RoundId == round.Id && o.WithdrawnAt == null && o.ReceivedAt < round.Deadline)
            .Select(o => o.ApplicationId).ToListAsync(ct)).ToHashSet();
        // Read without their letters: the decision needs only whom to tell.
        var applications = (await db.StakeholderApplications.AsNoTracking().Where(a => a.RoundId == round.Id && a.Status == ApplicationStatuses.InRound)
            .Select(a => new { a.Id, a.Organization, a.ContactName, a.ContactEmail }).ToListAsync(ct))
            .Select(a => new StakeholderApplication { Id = a.Id, Organization = a.Organization, ContactName = a.ContactName, ContactEmail = a.ContactEmail }).ToList();
        var refused = applications.Where(a => objected.Contains(a.Id)).Select(a => a.Id).ToList();
        await db.StakeholderApplications.Where(a => a.RoundId == round.Id && a.Status == ApplicationStatuses.InRound)
            .ExecuteUpdateAsync(set => set
                .SetProperty(a => a.Status, a => refused.Contains(a.Id) ? ApplicationStatuses.NotAccredited : ApplicationStatuses.Accredited)
                .SetProperty(a => a.DecidedAt, now).SetProperty(a => a.Revision, a => a.Revision + 1), ct);
        foreach (var application in applications)
        {
            if (objected.Contains(application.Id))
            {
                ApplicantMail.Outcome(db, application, "not-accredited", $"{application.Organization} is not accredited to the Open-ended Working Group",
                    $"The application of {application.Organization} was circulated to the Member States on a non-objection basis, until {SilenceLetters.Describe(round.Deadline, round.Zone)}. A Member State objected to it: {application.Organization} is therefore not accredited.");
            }
            else
            {
                ApplicantMail.Accredited(db, application, "no Member State objected");
            }
        }
        round.Status = RoundStatuses.Decided;
        round.DecidedAt = now;
        round.Revision++;
        var accredited = applications.Count - refused.Count;
        ChairOfficeNotice.Send(db, configuration, DerivedIds.From("accreditation-round", round.Id.ToString()), $"/stakeholders/rounds/{round.Id}",
            $"Accreditation for {round.Title}: {accredited} of {applications.Count} accredited",
            $"The period for objections ended on {SilenceLetters.Describe(round.Deadline, round.Zone)}. {accredited} applicants were not objected to and are accredited; {applications.Count - accredited} were objected to and are not. Each applicant has been told, and the list of accredited stakeholders is published.");
        db.AddAuditRecord(ResourceNames.Meetings, "accreditation.decided", Contracts.Audit.AuditOutcomes.Success, actor: "accreditation-deadline", target: round.Id.ToString(),
            detail: $"{accredited} of {applications.Count} accredited");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return 1;
    }
}
