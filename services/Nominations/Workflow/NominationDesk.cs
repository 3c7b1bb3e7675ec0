using Microsoft.EntityFrameworkCore;
using Npgsql;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.Security;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Model;

namespace PocDirectory.Nominations.Workflow;

public enum Decision
{
    Approve,
    Return,
    Reject,
}

/// <summary>
/// The nomination workflow: a focal point writes and submits, the nominee confirms, the directory
/// manager decides, the focal point withdraws. Each step checks who may take it and what state the
/// nomination is in, and commits in one transaction with its history, its audit record and the
/// messages it sends (outbox); a step that fails leaves nothing behind.
/// </summary>
public sealed class NominationDesk(NominationsDbContext db, IConfiguration configuration, TimeProvider clock)
{
    public const int MaxReasonLength = 2000;

    /// <summary>Where the e-mailed links lead: the Web's pages.</summary>
    private string WebUrl => AuthenticationExtensions.WebUrl(configuration) ?? AuthenticationExtensions.Issuer(configuration).ToString().TrimEnd('/');

    public async Task<Nomination> CreateAsync(Caller caller, string? state, Guid? pocId, NominationInput? input, bool submit, HttpContext? http, CancellationToken ct)
    {
        if (!caller.Roles.Contains(Roles.FocalPoint) || caller.IsMachine)
        {
            throw NominationProblem.Forbidden("Only a State's focal point nominates its points of contact.");
        }
        state = state?.Trim().ToUpperInvariant() ?? "";
        var memberState = await db.MemberStates.AsNoTracking().SingleOrDefaultAsync(s => s.Iso3 == state, ct);
        if (memberState is null)
        {
            throw new FieldErrorsException(new Dictionary<string, string[]>
            {
                ["state"] = [$"'{state}' is not the ISO 3166-1 alpha-3 code of a Member or observer State."],
            });
        }
        RequireMaintainer(caller, state);
        var now = clock.GetUtcNow();
        var nomination = new Nomination
        {
            Id = Guid.CreateVersion7(now),
            PocId = pocId ?? Guid.CreateVersion7(now),
            State = state,
            Kind = pocId is null ? NominationKind.New : NominationKind.Update,
            Status = NominationStatus.Draft,
            Draft = input ?? new NominationInput(),
            CreatedBy = caller.Subject,
            CreatedByName = caller.Name,
            CreatedByEmail = caller.Email,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (pocId is not null)
        {
            var listed = await db.ListedPocs.AsNoTracking().SingleOrDefaultAsync(p => p.PocId == pocId, ct);
            if (listed is null || listed.State != state)
            {
                throw new FieldErrorsException(new Dictionary<string, string[]> { ["pocId"] = ["This is not a point of contact of this State."] });
            }
            if (listed.WithdrawnAt is not null)
            {
                throw new FieldErrorsException(new Dictionary<string, string[]> { ["pocId"] = ["This point of contact has been withdrawn: nominate the person anew."] });
            }
        }
        db.Nominations.Add(nomination);
        AddEvent(nomination, caller, "created", nomination.Kind == NominationKind.New ? "New point of contact" : "Change to a listed point of contact");
        db.AddAuditRecord(ResourceNames.Nominations, "nomination.created", AuditOutcomes.Success, http, target: nomination.Id.ToString(), state: state);
        if (submit)
        {
            await SubmitCoreAsync(nomination, caller, memberState.Iso2, http, ct);
        }
        await SaveAsync(ct);
        return nomination;
    }

    public async Task<Nomination> EditAsync(Caller caller, Guid id, NominationInput input, HttpContext? http, CancellationToken ct)
    {
        var nomination = await LoadForMaintainerAsync(caller, id, ct);
        if (!nomination.IsEditable)
        {
            throw NominationProblem.Conflict($"A nomination that is {Describe(nomination.Status)} cannot be edited.", nomination.Status.ToString());
        }
        nomination.Draft = input;
        nomination.UpdatedAt = clock.GetUtcNow();
        db.AddAuditRecord(ResourceNames.Nominations, "nomination.draft-edited", AuditOutcomes.Success, http, target: nomination.Id.ToString(), state: nomination.State);
        await SaveAsync(ct);
        return nomination;
    }

    public async Task<Nomination> SubmitAsync(Caller caller, Guid id, HttpContext? http, CancellationToken ct)
    {
        var nomination = await LoadForMaintainerAsync(caller, id, ct);
        if (!nomination.IsEditable)
        {
            throw NominationProblem.Conflict($"This nomination is {Describe(nomination.Status)}: it was submitted already.", nomination.Status.ToString());
        }
        var iso2 = await db.MemberStates.Where(s => s.Iso3 == nomination.State).Select(s => s.Iso2).SingleAsync(ct);
        await SubmitCoreAsync(nomination, caller, iso2, http, ct);
        await SaveAsync(ct);
        return nomination;
    }

    public async Task DiscardAsync(Caller caller, Guid id, HttpContext? http, CancellationToken ct)
    {
        var nomination = await LoadForMaintainerAsync(caller, id, ct);
        if (!Nomination.Open.Contains(nomination.Status))
        {
            throw NominationProblem.Conflict($"This nomination is {Describe(nomination.Status)} already.", nomination.Status.ToString());
        }
        nomination.Status = NominationStatus.Discarded;
        nomination.ConfirmationTokenHash = null;
        nomination.UpdatedAt = clock.GetUtcNow();
        AddEvent(nomination, caller, "discarded", null);
        db.AddAuditRecord(ResourceNames.Nominations, "nomination.discarded", AuditOutcomes.Success, http, target: id.ToString(), state: nomination.State);
        await SaveAsync(ct);
    }

    /// <summary>The nomination awaiting this nominee's confirmation, or null (unknown, used, replaced or expired link).</summary>
    public async Task<Nomination?> FindByConfirmationTokenAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }
        var hash = OneTimeTokens.Hash(token);
        var nomination = await db.Nominations.SingleOrDefaultAsync(n => n.ConfirmationTokenHash == hash, ct);
        return nomination is { Status: NominationStatus.AwaitingConfirmation } && nomination.ConfirmationExpiresAt > clock.GetUtcNow()
            ? nomination
            : null;
    }

    /// <summary>The nominee consents (the nomination goes to review) or declines (it ends); the link then stops working.</summary>
    public async Task<Nomination> ConfirmAsync(string? token, bool consent, HttpContext? http, CancellationToken ct)
    {
        var nomination = await FindByConfirmationTokenAsync(token, ct)
            ?? throw new FieldErrorsException(new Dictionary<string, string[]> { ["token"] = [ExpiredLinkMessage] });
        var now = clock.GetUtcNow();
        var nominee = new Caller($"nominee:{nomination.NomineeEmail}", nomination.Submitted!.FullName, nomination.NomineeEmail, new HashSet<string>(), nomination.State, false);
        nomination.ConfirmationTokenHash = null;
        nomination.UpdatedAt = now;
        if (consent)
        {
            nomination.ConfirmedAt = now;
            nomination.ConfirmedEmail = nomination.NomineeEmail;
            nomination.Status = NominationStatus.PendingReview;
            AddEvent(nomination, nominee, "confirmed", "The nominee checked the details and consented to being listed");
        }
        else
        {
            nomination.Status = NominationStatus.Declined;
            AddEvent(nomination, nominee, "declined", "The nominee declined to be listed");
            await TellFocalPointAsync(nomination, "declined", null, ct);
        }
        // The audit log cannot forget: the nominee is named by the link they used and the nomination, never by their address.
        db.AddAuditRecord(ResourceNames.Nominations, consent ? "nomination.confirmed" : "nomination.declined", AuditOutcomes.Success, http,
            actor: "confirmation-link", target: nomination.Id.ToString(), state: nomination.State);
        await SaveAsync(ct);
        return nomination;
    }

    public async Task<Nomination> DecideAsync(Caller caller, Guid id, Decision decision, string? reason, int? revision, HttpContext? http, CancellationToken ct)
    {
        if (!caller.IsDirectoryManager)
        {
            throw NominationProblem.Forbidden("Only the directory manager decides on nominations.");
        }
        reason = reason?.Trim();
        var errors = new FieldErrors();
        if (decision != Decision.Approve && string.IsNullOrEmpty(reason))
        {
            errors.Add("reason", decision == Decision.Return
                ? "Say what the focal point should correct."
                : "Give the reason for the rejection; the focal point receives it.");
        }
        if (reason?.Length > MaxReasonLength)
        {
            errors.Add("reason", $"Write the reason in at most {MaxReasonLength} characters.");
        }
        errors.ThrowIfAny();

        var nomination = await db.Nominations.SingleOrDefaultAsync(n => n.Id == id, ct) ?? throw NominationProblem.NotFound();
        if (nomination.Status != NominationStatus.PendingReview)
        {
            throw NominationProblem.Conflict($"This nomination is {Describe(nomination.Status)}: it is no longer waiting for a decision.", nomination.Status.ToString());
        }
        if (revision is not null && revision != nomination.Revision)
        {
            throw NominationProblem.Conflict($"Version {nomination.Revision} has been submitted since you opened version {revision}: read it before deciding.", nomination.Status.ToString());
        }
        var now = clock.GetUtcNow();
        nomination.DecidedAt = now;
        nomination.DecidedBy = caller.Subject;
        nomination.DecisionReason = string.IsNullOrEmpty(reason) ? null : reason;
        nomination.UpdatedAt = now;
        nomination.Status = decision switch
        {
            Decision.Approve => NominationStatus.Approved,
            Decision.Return => NominationStatus.Returned,
            _ => NominationStatus.Rejected,
        };
        var action = decision switch { Decision.Approve => "approved", Decision.Return => "returned", _ => "rejected" };
        AddEvent(nomination, caller, action, reason);
        if (decision == Decision.Approve)
        {
            var submittedBy = await db.NominationVersions.Where(v => v.NominationId == nomination.Id && v.Revision == nomination.Revision)
                .Select(v => v.SubmittedBy).SingleAsync(ct);
            await ListAsync(nomination, caller, submittedBy, now, ct);
        }
        await TellFocalPointAsync(nomination, action, reason, ct);
        db.AddAuditRecord(ResourceNames.Nominations, $"nomination.{action}", AuditOutcomes.Success, http,
            target: id.ToString(), state: nomination.State, detail: $"version {nomination.Revision}");
        try
        {
            await SaveAsync(ct);
        }
        catch (DbUpdateException ex)
        {
            // Two reviewers at once: the row version (or, for a first listing, the listing's key) lets one through.
            db.ChangeTracker.Clear();
            var current = await db.Nominations.AsNoTracking().SingleAsync(n => n.Id == id, ct);
            if (current.Status == NominationStatus.PendingReview && ex is not DbUpdateConcurrencyException)
            {
                throw;
            }
            throw NominationProblem.Conflict($"Someone else decided at the same moment: this nomination is {Describe(current.Status)}.", current.Status.ToString());
        }
        return nomination;
    }

    /// <summary>Takes a listed point of contact out of the directory at once; open changes to it are discarded.</summary>
    public async Task<ListedPoc> WithdrawAsync(Caller caller, Guid pocId, string? reason, HttpContext? http, CancellationToken ct)
    {
        reason = reason?.Trim();
        if (reason?.Length > MaxReasonLength)
        {
            throw new FieldErrorsException(new Dictionary<string, string[]> { ["reason"] = [$"Write the reason in at most {MaxReasonLength} characters."] });
        }
        var listed = await db.ListedPocs.SingleOrDefaultAsync(p => p.PocId == pocId, ct) ?? throw NominationProblem.NotFound();
        RequireMaintainer(caller, listed.State);
        if (listed.WithdrawnAt is not null)
        {
            throw NominationProblem.Conflict($"This point of contact was withdrawn on {listed.WithdrawnAt:yyyy-MM-dd}.", "Withdrawn");
        }
        var now = clock.GetUtcNow();
        listed.WithdrawnAt = now;
        listed.WithdrawnBy = caller.Subject;
        listed.WithdrawalReason = string.IsNullOrEmpty(reason) ? null : reason;
        listed.Version++;
        listed.UpdatedAt = now;
        var open = await db.Nominations.Where(n => n.PocId == pocId && Nomination.Open.Contains(n.Status)).ToListAsync(ct);
        foreach (var nomination in open)
        {
            nomination.Status = NominationStatus.Discarded;
            nomination.ConfirmationTokenHash = null;
            nomination.UpdatedAt = now;
            AddEvent(nomination, caller, "discarded", "The point of contact was withdrawn");
        }
        db.AddIntegrationEvent(new PointOfContactWithdrawn
        {
            PocId = pocId,
            State = listed.State,
            Email = listed.Details.Email,
            Version = listed.Version,
            WithdrawnBy = caller.Subject,
            WithdrawnAt = now,
            Reason = listed.WithdrawalReason,
        });
        // The reason stays with the entry until the retention period ends; the audit log, which cannot forget, says only that there was one.
        db.AddAuditRecord(ResourceNames.Nominations, "poc.withdrawn", AuditOutcomes.Success, http,
            target: pocId.ToString(), state: listed.State, detail: string.IsNullOrWhiteSpace(reason) ? null : "with a reason");
        await UpdateRequestDesk.RecordNominationAsync(db, listed.State, pocId, UpdateRequestOutcome.Withdrawn, caller, now, ct);
        await SaveAsync(ct);
        return listed;
    }

    public async Task<Nomination> LoadForReaderAsync(Caller caller, Guid id, CancellationToken ct)
    {
        var nomination = await db.Nominations.AsNoTracking().SingleOrDefaultAsync(n => n.Id == id, ct) ?? throw NominationProblem.NotFound();
        if (!caller.OverseesState(nomination.State))
        {
            throw NominationProblem.Forbidden("Only the State's focal point and the directory manager see its nominations.");
        }
        return nomination;
    }

    private async Task<Nomination> LoadForMaintainerAsync(Caller caller, Guid id, CancellationToken ct)
    {
        var nomination = await db.Nominations.SingleOrDefaultAsync(n => n.Id == id, ct) ?? throw NominationProblem.NotFound();
        RequireMaintainer(caller, nomination.State);
        return nomination;
    }

    private static void RequireMaintainer(Caller caller, string state)
    {
        if (!caller.MaintainsState(state))
        {
            throw NominationProblem.Forbidden($"Only a focal point of {state} nominates, changes and withdraws its points of contact.");
        }
    }

    private async Task SubmitCoreAsync(Nomination nomination, Caller caller, string iso2, HttpContext? http, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var details = PocDetailsValidator.Validate(nomination.Draft, iso2, now);
        var email = details.Email.ToLowerInvariant();
        var listed = nomination.Kind == NominationKind.Update
            ? await db.ListedPocs.AsNoTracking().SingleAsync(p => p.PocId == nomination.PocId, ct)
            : null;
        if (await db.ListedPocs.AnyAsync(p => p.Email == email && p.WithdrawnAt == null && p.PocId != nomination.PocId, ct) ||
            await db.Nominations.AnyAsync(n => n.NomineeEmail == email && n.PocId != nomination.PocId && Nomination.Open.Contains(n.Status), ct))
        {
            throw new FieldErrorsException(new Dictionary<string, string[]>
            {
                ["email"] = ["This address belongs to another point of contact, listed or nominated. Each person is listed once."],
            });
        }

        nomination.Revision++;
        nomination.Submitted = details;
        nomination.NomineeEmail = email;
        nomination.SubmittedAt = now;
        nomination.UpdatedAt = now;
        nomination.DecisionReason = null;
        AddVersion(nomination, details, caller, now);
        var changed = listed is null ? null : PocChanges.Describe(listed.Details, details);
        AddEvent(nomination, caller, "submitted", changed is null ? $"Version {nomination.Revision}" : $"Version {nomination.Revision}: {changed}");

        var alreadyConfirmed = string.Equals(nomination.ConfirmedEmail, email, StringComparison.Ordinal) || listed?.Email == email;
        if (alreadyConfirmed)
        {
            nomination.Status = NominationStatus.PendingReview;
        }
        else
        {
            nomination.Status = NominationStatus.AwaitingConfirmation;
            nomination.ConfirmationReminderSentAt = null;
            await AskNomineeAsync(nomination, now, reminder: false, ct);
        }
        db.AddAuditRecord(ResourceNames.Nominations, "nomination.submitted", AuditOutcomes.Success, http,
            target: nomination.Id.ToString(), state: nomination.State, detail: $"version {nomination.Revision}");
        if (nomination.Kind == NominationKind.Update)
        {
            // A change proposed while the State is asked to confirm its entries answers that entry.
            await UpdateRequestDesk.RecordNominationAsync(db, nomination.State, nomination.PocId, UpdateRequestOutcome.ChangeProposed, caller, now, ct);
        }
    }

    /// <summary>Issues a new single-use link (any earlier one stops working) and e-mails it to the nominee.</summary>
    internal async Task AskNomineeAsync(Nomination nomination, DateTimeOffset now, bool reminder, CancellationToken ct)
    {
        var token = OneTimeTokens.New();
        nomination.ConfirmationTokenHash = OneTimeTokens.Hash(token);
        if (!reminder)
        {
            nomination.ConfirmationExpiresAt = now + Nomination.ConfirmationLifetime;
        }
        var details = nomination.Submitted!;
        db.AddIntegrationEvent(new SendEmail
        {
            EmailId = Guid.NewGuid(),
            To = details.Email,
            ToName = details.FullName,
            Template = "nomination-confirmation",
            RequestedBy = ResourceNames.Nominations,
            Values = new Dictionary<string, string>
            {
                ["name"] = details.FullName,
                ["state"] = await StateNameAsync(db, nomination.State, ct),
                ["type"] = details.Type,
                ["focal_point"] = nomination.CreatedByName,
                ["link"] = $"{WebUrl}/nominations/confirm?token={token}",
                ["expires"] = nomination.ConfirmationExpiresAt!.Value.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture),
                ["reminder"] = reminder ? "yes" : "",
            },
        });
    }

    /// <summary>A State's name, as people read it in an e-mail (its code, if the reference data lacks it).</summary>
    internal static async Task<string> StateNameAsync(NominationsDbContext db, string iso3, CancellationToken ct) =>
        await db.MemberStates.Where(s => s.Iso3 == iso3).Select(s => s.Name).SingleOrDefaultAsync(ct) ?? iso3;

    /// <summary>Tells the focal point who created the nomination what became of it.</summary>
    internal async Task TellFocalPointAsync(Nomination nomination, string outcome, string? reason, CancellationToken ct)
    {
        if (nomination.CreatedByEmail is null)
        {
            return;
        }
        db.AddIntegrationEvent(new SendEmail
        {
            EmailId = Guid.NewGuid(),
            To = nomination.CreatedByEmail,
            ToName = nomination.CreatedByName,
            Template = "nomination-outcome",
            RequestedBy = ResourceNames.Nominations,
            Values = new Dictionary<string, string>
            {
                ["name"] = nomination.CreatedByName,
                ["nominee"] = nomination.Submitted?.FullName ?? nomination.Draft.FullName ?? "",
                ["state"] = await StateNameAsync(db, nomination.State, ct),
                ["outcome"] = outcome,
                ["reason"] = reason ?? "",
                ["link"] = $"{WebUrl}/my-state",
            },
        });
    }

    /// <summary>
    /// Lists a point of contact of the demo data set as if nominated, confirmed and approved: the same
    /// rows and the same event as a real approval, without the e-mails. The caller saves.
    /// </summary>
    internal async Task<Nomination> ListDemoAsync(string state, string iso2, NominationInput input, Caller seeder, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var details = PocDetailsValidator.Validate(input, iso2, now);
        var nomination = new Nomination
        {
            Id = Guid.CreateVersion7(now),
            PocId = Guid.CreateVersion7(now),
            State = state,
            Kind = NominationKind.New,
            Status = NominationStatus.Approved,
            Draft = input,
            Revision = 1,
            Submitted = details,
            NomineeEmail = details.Email.ToLowerInvariant(),
            ConfirmedEmail = details.Email.ToLowerInvariant(),
            CreatedBy = seeder.Subject,
            CreatedByName = seeder.Name,
            CreatedAt = now,
            UpdatedAt = now,
            SubmittedAt = now,
            ConfirmedAt = now,
            DecidedAt = now,
            DecidedBy = seeder.Subject,
        };
        db.Nominations.Add(nomination);
        AddVersion(nomination, details, seeder, now);
        AddEvent(nomination, seeder, "approved", "Invented for the demo data set");
        await ListAsync(nomination, seeder, seeder.Subject, now, ct);
        return nomination;
    }

    private async Task ListAsync(Nomination nomination, Caller caller, string submittedBy, DateTimeOffset now, CancellationToken ct)
    {
        var details = nomination.Submitted!;
        var listed = await db.ListedPocs.SingleOrDefaultAsync(p => p.PocId == nomination.PocId, ct);
        if (listed is null)
        {
            listed = new ListedPoc { PocId = nomination.PocId, State = nomination.State, ListedAt = now };
            db.ListedPocs.Add(listed);
        }
        // A change of address is a change of person: the previous one loses access with this version.
        var previousEmail = listed.Version > 0 && !string.Equals(listed.Email, details.Email, StringComparison.OrdinalIgnoreCase)
            ? listed.Email
            : null;
        listed.Version++;
        listed.Details = details;
        listed.Email = details.Email.ToLowerInvariant();
        listed.NominationId = nomination.Id;
        listed.UpdatedAt = now;
        db.AddIntegrationEvent(new PointOfContactApproved
        {
            PocId = listed.PocId,
            NominationId = nomination.Id,
            State = listed.State,
            Version = listed.Version,
            Details = details,
            PreviousEmail = previousEmail,
            SubmittedBy = submittedBy,
            ApprovedBy = caller.Subject,
            ApprovedAt = now,
        });
    }

    /// <summary>Freezes the nomination's current revision: what was submitted, by whom, when.</summary>
    private void AddVersion(Nomination nomination, PocDetails details, Caller submitter, DateTimeOffset now) =>
        db.NominationVersions.Add(new NominationVersion
        {
            NominationId = nomination.Id,
            Revision = nomination.Revision,
            Details = details,
            SubmittedBy = submitter.Subject,
            SubmittedByName = submitter.Name,
            SubmittedAt = now,
        });

    private void AddEvent(Nomination nomination, Caller actor, string action, string? detail) =>
        db.NominationEvents.Add(new NominationEvent
        {
            NominationId = nomination.Id,
            At = clock.GetUtcNow(),
            Actor = actor.Subject,
            ActorName = actor.Name,
            Action = action,
            Detail = detail?.Length > 2000 ? detail[..2000] : detail,
        });

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ux_nominations_one_open_per_poc" })
        {
            throw NominationProblem.Conflict("A change to this point of contact is already in progress: finish or discard it first.");
        }
    }

    public static string Describe(NominationStatus status) => status switch
    {
        NominationStatus.Draft => "a draft",
        NominationStatus.AwaitingConfirmation => "waiting for the nominee's confirmation",
        NominationStatus.PendingReview => "waiting for review",
        NominationStatus.Returned => "returned for correction",
        NominationStatus.Approved => "approved",
        NominationStatus.Rejected => "rejected",
        NominationStatus.Lapsed => "lapsed (not confirmed in time)",
        NominationStatus.Declined => "declined by the nominee",
        _ => "discarded",
    };

    public const string ExpiredLinkMessage = "This confirmation link has been used, replaced by a newer one, or has expired. Ask your State's focal point.";

}
