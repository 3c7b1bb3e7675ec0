using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.BuildingBlocks.Security;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Meetings.Documents;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Letters;
using PocDirectory.Meetings.Silence;
using PocDirectory.Meetings.Stakeholders;

namespace PocDirectory.Meetings.Apis;

/// <summary>An accredited stakeholder as the public list shows it.</summary>
public sealed record AccreditedStakeholder(string Organization, string Website, string Headquarters, string Type, bool Ecosoc, string Basis, DateTimeOffset AccreditedAt);

/// <summary>An application as the Secretariat and the Chair's office read it (the letter is downloaded on its own).</summary>
public sealed record ApplicationView(
    Guid Id, string Organization, string Website, string Headquarters, string Type, bool Ecosoc, string? EcosocReference, string Purpose, string Relevance,
    string? UnInteraction, string ContactName, string ContactEmail, string LetterFileName, string LetterSha256, string Status, string StatusName,
    DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt, DateTimeOffset? CheckedAt, string? ReturnReason, Guid? RoundId, DateTimeOffset? DecidedAt, int Revision);

/// <summary>An applicant as Member States read it in a round: the organization, never its contact.</summary>
public sealed record Applicant(Guid Id, string Organization, string Website, string Headquarters, string Type, string Purpose, string Relevance, string? UnInteraction, string Status);

/// <summary>An objection to an applicant; who sent it only for the Chair's office and the Secretariat.</summary>
public sealed record AccreditationObjectionView(Guid Id, Guid Application, string State, string? Basis, DateTimeOffset ReceivedAt, DateTimeOffset? WithdrawnAt, string? ReceivedFrom);

/// <summary>A round: its applicants, deadline and outcome; the objections for the Chair's office and the Secretariat (all) or a delegate (its State's).</summary>
public sealed record RoundView(
    Guid Id, string Title, DateTimeOffset Deadline, string DeadlineText, string Status, DateTimeOffset CirculatedAt, DateTimeOffset? DecidedAt, Guid? LetterId,
    IReadOnlyList<Applicant> Applicants, IReadOnlyList<AccreditationObjectionView>? Objections, int Revision, DateTimeOffset Now);

public sealed record RoundSummary(Guid Id, string Title, DateTimeOffset Deadline, string DeadlineText, string Status, int Applicants);

public sealed record ConfirmationRequest(string? Token);

/// <summary>
/// Stakeholder accreditation on a non-objection basis. Anyone applies (no account) and confirms the contact address
/// by an e-mailed link; the Secretariat (directory manager) checks each application: complete ones with ECOSOC
/// status are accredited, the others wait for a round; a round is circulated to every Permanent Mission with a
/// deadline, during which a Member State's delegate may object to any applicant (seen by the Chair's office and the
/// Secretariat only). At the deadline (<see cref="AccreditationDeadlines"/>), each applicant not objected to is
/// accredited. The list of accredited stakeholders is public.
/// </summary>
public static class StakeholdersApi
{
    public static void MapStakeholdersApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/meetings/stakeholders").WithTags("Stakeholders");
        api.MapGet("/accredited", AccreditedAsync).AllowAnonymous().NotAudited("the public list of accredited stakeholders")
            .WithSummary("Accredited stakeholders (JSON, or CSV with Accept: text/csv); no token").Produces<List<AccreditedStakeholder>>().Produces<string>(contentType: "text/csv");
        // The form is read by the handler (not bound), so that a request that is not a form meets the handler's own 415, as every
        // refusal here does, whoever sends it.
        api.MapPost("/applications", ApplyAsync).AllowAnonymous().AuditedByHandler("stakeholder.applied")
            .WithSummary("Apply for accreditation (multipart/form-data: organization, website, headquarters, type, ecosoc, ecosocReference, purpose, relevance, unInteraction, contactName, contactEmail, and the letter on letterhead as a PDF file named letter); 202, and the contact gets a link to confirm")
            .Produces(StatusCodes.Status202Accepted).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/applications/confirmation", ConfirmAsync).AllowAnonymous().AuditedByHandler("stakeholder.confirmed")
            .WithSummary("The contact confirms the address with the e-mailed link's secret").Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);
        api.MapGet("/applications", ApplicationsAsync).Audited("stakeholder.applications.read", ResourceNames.Meetings)
            .WithSummary("Every application (directory manager and Chair's office)").Produces<List<ApplicationView>>();
        api.MapGet("/applications/{id:guid}/letter", LetterAsync).Audited("stakeholder.letter.read", ResourceNames.Meetings)
            .WithSummary("An application's letter on letterhead (directory manager and Chair's office)").Produces(StatusCodes.Status200OK, contentType: DocumentFiles.Pdf);
        api.MapPost("/applications/{id:guid}/check", CheckAsync).AuditedByHandler("stakeholder.checked")
            .WithSummary("Check an application: complete, or returned with a reason (directory manager)").Produces<ApplicationView>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/rounds", RoundsAsync).AllowAnonymousReadingToken().NotAudited("rounds of applicants: no contact data")
            .WithSummary("Rounds of applications circulated for non-objection (signed-in people)").Produces<List<RoundSummary>>();
        api.MapGet("/rounds/{id:guid}", RoundAsync).AllowAnonymousReadingToken().NotAudited("a round of applicants: no contact data")
            .WithSummary("A round (signed-in people); its objections for the Chair's office and the Secretariat, or a delegate's own State's").Produces<RoundView>();
        api.MapPost("/rounds", CirculateAsync).AuditedByHandler("accreditation.circulated")
            .WithSummary("Circulate checked applications to every Permanent Mission for non-objection until a deadline (Chair's office, directory manager)")
            .Produces<RoundView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/rounds/{id:guid}/objections", ObjectAsync).AuditedByHandler("accreditation.objected")
            .WithSummary("A Member State's delegate objects to an applicant, before the deadline").Produces<AccreditationObjectionView>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/rounds/{id:guid}/objections/{objectionId:guid}", WithdrawObjectionAsync).AuditedByHandler("accreditation.objection-withdrawn")
            .WithSummary("Withdraw the State's own objection, before the deadline").Produces<AccreditationObjectionView>().ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static bool Secretariat(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && Caller.From(user) is { IsMachine: false, IsDirectoryManager: true };

    private static bool ChairOrSecretariat(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && MeetingsApi.Schedules(Caller.From(user));


    private static IResult NoApplication() =>
        TypedResults.Problem(title: "No such application.", detail: "No application with this id.", statusCode: StatusCodes.Status404NotFound);

    private static IResult NoRound() =>
        TypedResults.Problem(title: "No such round.", detail: "No round of applications with this id is visible to you.", statusCode: StatusCodes.Status404NotFound);

    private static ApplicationView View(StakeholderApplication a) => new(
        a.Id, a.Organization, a.Website, a.Headquarters, a.Type, a.Ecosoc, a.EcosocReference, a.Purpose, a.Relevance, a.UnInteraction, a.ContactName, a.ContactEmail,
        a.LetterFileName, a.LetterSha256, a.Status, ApplicationStatuses.DisplayName(a.Status), a.CreatedAt, a.ConfirmedAt, a.CheckedAt, a.ReturnReason, a.RoundId,
        a.DecidedAt, a.Revision);

    private static async Task<IResult> AccreditedAsync(HttpContext http, MeetingsDbContext db, CancellationToken ct)
    {
        var list = (await db.StakeholderApplications.AsNoTracking().Where(a => a.Status == ApplicationStatuses.Accredited)
                .OrderBy(a => a.Organization).Select(a => new { a.Organization, a.Website, a.Headquarters, a.Type, a.Ecosoc, a.RoundId, a.DecidedAt }).ToListAsync(ct))
            .Select(a => new AccreditedStakeholder(a.Organization, a.Website, a.Headquarters, a.Type, a.Ecosoc, a.RoundId is null ? "ecosoc" : "non-objection", a.DecidedAt!.Value))
            .ToList();
        if (!http.Request.GetTypedHeaders().Accept.Any(h => h.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)))
        {
            return TypedResults.Ok(list);
        }
        await using var text = new StringWriter(CultureInfo.InvariantCulture);
        await using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            csv.WriteField("organization"); csv.WriteField("website"); csv.WriteField("headquarters"); csv.WriteField("type"); csv.WriteField("ecosoc"); csv.WriteField("basis"); csv.WriteField("accredited_at");
            await csv.NextRecordAsync();
            foreach (var s in list)
            {
                // A cell that a spreadsheet would run as a formula is written as text.
                foreach (var cell in new[] { s.Organization, s.Website, s.Headquarters, s.Type, s.Ecosoc ? "yes" : "no", s.Basis, AccreditationRules.Iso(s.AccreditedAt) })
                {
                    csv.WriteField(cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cell : cell);
                }
                await csv.NextRecordAsync();
            }
        }
        return TypedResults.Text(text.ToString(), "text/csv; charset=utf-8");
    }

    private static async Task<IResult> ApplyAsync(MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            return TypedResults.Problem(title: "Send the application as a form.", detail: "The fields and the letter go as multipart/form-data.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        var max = AccreditationRules.LetterMaxBytes(configuration);
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max + 256 * 1024; // the letter and the fields
        }
        IFormCollection fields;
        try
        {
            fields = await http.Request.ReadFormAsync(ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            return TypedResults.Problem(title: "The application is too large, or not a form that can be read.",
                detail: $"Send the fields and a letter of at most {max / (1024 * 1024.0):0.#} MB as multipart/form-data.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        string? Field(string name) => fields.TryGetValue(name, out var value) ? value.ToString() : null;
        var form = new ApplicationForm
        {
            Organization = Field("organization"), Website = Field("website"), Headquarters = Field("headquarters"), Type = Field("type"),
            Ecosoc = Field("ecosoc") is { } e ? e.Trim().ToLowerInvariant() switch { "true" or "yes" or "on" => true, "false" or "no" => false, _ => null } : null,
            EcosocReference = Field("ecosocReference"), Purpose = Field("purpose"), Relevance = Field("relevance"), UnInteraction = Field("unInteraction"),
            ContactName = Field("contactName"), ContactEmail = Field("contactEmail"),
        };
        var letter = fields.Files.GetFile("letter");
        var states = (await db.MemberStates.AsNoTracking().Select(s => s.Iso3).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var errors = new FieldErrors();
        var application = AccreditationRules.Read(form, states, errors);
        if (letter is null || letter.Length == 0)
        {
            errors.Add("letter", "Attach the organization's letter on letterhead, as a PDF.");
        }
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The application cannot be sent so.");
        }
        if (letter!.Length > max)
        {
            return TypedResults.Problem(title: "The letter is too large.", detail: $"The letter may be at most {max / (1024 * 1024.0):0.#} MB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        var bytes = new byte[letter.Length];
        await using (var stream = letter.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, ct);
        }
        var fileName = DocumentFiles.CleanName(letter.FileName) is { } clean && clean.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase) ? clean : "letter.pdf";
        if (DocumentFiles.Recognise(fileName, bytes) != DocumentFiles.Pdf)
        {
            return TypedResults.Problem(title: "The letter must be a PDF.", detail: "Attach the letter on letterhead as a PDF file.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        var now = clock.GetUtcNow();
        var address = application!.ContactEmail;
        var key = application.OrganizationKey;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Two applications of the same organization, or from the same address, are counted one after the other.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({"stakeholder-organization:" + key})), pg_advisory_xact_lock(hashtext({"stakeholder-address:" + address}))", ct);
        var recent = await db.StakeholderApplications.CountAsync(a => a.ContactEmail == address && a.CreatedAt > now.AddDays(-1), ct);
        if (recent >= AccreditationRules.PerAddressPerDay(configuration))
        {
            http.Response.Headers.RetryAfter = "86400";
            return TypedResults.Problem(title: "Too many applications from this address today.",
                detail: "Confirm the applications already sent (the link in their e-mails), or try again tomorrow.", statusCode: StatusCodes.Status429TooManyRequests);
        }
        // Only applications confirmed count here: one that nobody confirmed (anyone can send one in any name) holds no organization
        // back. Which of two unconfirmed ones goes on is settled at confirmation.
        if (await ConfirmedOfAsync(db, key, except: null, ct) is { } existing)
        {
            return Problems.Conflict(existing == ApplicationStatuses.Accredited ? "This organization is accredited already." : "This organization has an application open already.",
                existing == ApplicationStatuses.Accredited
                    ? "It is on the list of accredited stakeholders: no new application is needed."
                    : "One application per organization is considered at a time: it is with the Secretariat.");
        }
        var token = OneTimeTokens.New();
        application.Letter = bytes;
        application.LetterFileName = fileName;
        application.LetterSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        application.CreatedAt = now;
        application.ConfirmationHash = OneTimeTokens.Hash(token);
        db.StakeholderApplications.Add(application);
        var web = AuthenticationExtensions.WebUrl(configuration);
        db.AddIntegrationEvent(new SendEmail
        {
            EmailId = DerivedIds.From("stakeholder-confirmation", application.Id.ToString()), To = application.ContactEmail, ToName = application.ContactName,
            Template = ApplicantMail.ConfirmationTemplate, RequestedBy = ResourceNames.Meetings,
            Values = new Dictionary<string, string>
            {
                ["name"] = application.ContactName, ["organization"] = application.Organization,
                ["link"] = web is null ? token : $"{web}/stakeholders/confirm?token={token}",
            },
        });
        db.AddAuditRecord(ResourceNames.Meetings, "stakeholder.applied", AuditOutcomes.Success, http, actor: "applicant", target: application.Id.ToString());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Accepted((string?)null, new { message = $"The application is received. To send it on, open the link e-mailed to {application.ContactEmail} within 7 days." });
    }

    /// <summary>The status of the organization's confirmed application that is still open, or accredited; null when there is none.</summary>
    private static Task<string?> ConfirmedOfAsync(MeetingsDbContext db, string key, Guid? except, CancellationToken ct) =>
        db.StakeholderApplications.AsNoTracking()
            .Where(a => a.OrganizationKey == key && a.Id != except
                && (a.Status == ApplicationStatuses.Accredited || (ApplicationStatuses.Open.Contains(a.Status) && a.Status != ApplicationStatuses.AwaitingConfirmation)))
            .Select(a => a.Status).FirstOrDefaultAsync(ct);

    /// <summary>How long the contact's confirmation link works.</summary>
    private static readonly TimeSpan ConfirmationLifetime = TimeSpan.FromDays(7);

    private static async Task<IResult> ConfirmAsync(ConfirmationRequest? request, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (request?.Token is not { Length: > 20 and < 100 } token)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["token"] = ["Give the token of the link in the e-mail."] }, title: "The confirmation cannot be read.");
        }
        var hash = OneTimeTokens.Hash(token);
        var application = await db.StakeholderApplications.SingleOrDefaultAsync(a => a.ConfirmationHash == hash, ct);
        if (application is null)
        {
            db.AddAuditRecord(ResourceNames.Meetings, "stakeholder.confirmed", AuditOutcomes.Failure, http, actor: "applicant", detail: "an unknown link");
            await db.SaveChangesAsync(ct);
            return TypedResults.Problem(title: "This link is not known.", detail: "Open the link exactly as it was e-mailed.", statusCode: StatusCodes.Status404NotFound);
        }
        var now = clock.GetUtcNow();
        if (application.Status != ApplicationStatuses.AwaitingConfirmation)
        {
            return TypedResults.Problem(title: "The application was confirmed already.", detail: $"The application of {application.Organization} is with the Secretariat: nothing more is needed now.",
                statusCode: StatusCodes.Status410Gone);
        }
        if (now - application.CreatedAt > ConfirmationLifetime)
        {
            return TypedResults.Problem(title: "This link has expired.", detail: "A link works for 7 days: apply again, and open the new link in time.", statusCode: StatusCodes.Status410Gone);
        }
        // Confirmations of the same organization are settled one after the other: the first goes on, the others are refused.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({"stakeholder-organization:" + application.OrganizationKey}))", ct);
        if (await ConfirmedOfAsync(db, application.OrganizationKey, application.Id, ct) is not null)
        {
            return Problems.Conflict("This organization has an application with the Secretariat already.", "Another application of it was confirmed first: this one is not sent on.");
        }
        application.Status = ApplicationStatuses.Submitted;
        application.ConfirmedAt = now;
        application.Revision++;
        db.AddAuditRecord(ResourceNames.Meetings, "stakeholder.confirmed", AuditOutcomes.Success, http, actor: "applicant", target: application.Id.ToString());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return TypedResults.Problem(title: "The application was confirmed already.", detail: "It was confirmed at the same moment.", statusCode: StatusCodes.Status410Gone);
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new { organization = application.Organization, status = application.Status });
    }

    private static async Task<IResult> ApplicationsAsync(ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        if (!ChairOrSecretariat(user))
        {
            return Problems.NotAllowed("Applications are read by the Secretariat and the Chair's office.");
        }
        // Read without the letters (up to 5 MB each): each is downloaded on its own.
        var list = await db.StakeholderApplications.AsNoTracking().Where(a => a.Status != ApplicationStatuses.AwaitingConfirmation)
            .OrderByDescending(a => a.ConfirmedAt)
            .Select(a => new ApplicationView(a.Id, a.Organization, a.Website, a.Headquarters, a.Type, a.Ecosoc, a.EcosocReference, a.Purpose, a.Relevance,
                a.UnInteraction, a.ContactName, a.ContactEmail, a.LetterFileName, a.LetterSha256, a.Status, "", a.CreatedAt, a.ConfirmedAt, a.CheckedAt,
                a.ReturnReason, a.RoundId, a.DecidedAt, a.Revision))
            .ToListAsync(ct);
        return TypedResults.Ok(list.Select(a => a with { StatusName = ApplicationStatuses.DisplayName(a.Status) }).ToList());
    }

    private static async Task<IResult> LetterAsync(Guid id, ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        if (!ChairOrSecretariat(user))
        {
            return Problems.NotAllowed("Applications are read by the Secretariat and the Chair's office.");
        }
        var application = await db.StakeholderApplications.AsNoTracking().Where(a => a.Id == id && a.Status != ApplicationStatuses.AwaitingConfirmation)
            .Select(a => new { a.Letter, a.LetterFileName }).SingleOrDefaultAsync(ct);
        return application is null ? NoApplication() : TypedResults.File(application.Letter, DocumentFiles.Pdf, application.LetterFileName);
    }

    private static async Task<IResult> CheckAsync(Guid id, CheckRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (!Secretariat(user))
        {
            return Problems.NotAllowed("Applications are checked by the Secretariat (the directory manager).");
        }
        var application = await db.StakeholderApplications.SingleOrDefaultAsync(a => a.Id == id && a.Status != ApplicationStatuses.AwaitingConfirmation, ct);
        if (application is null)
        {
            return NoApplication();
        }
        var errors = new FieldErrors();
        if (request?.Revision is null)
        {
            errors.Add("revision", "Give the revision of the application you read.");
        }
        if (request?.Complete is null)
        {
            errors.Add("complete", "Say whether the application is complete.");
        }
        var reason = SilenceRules.Text(errors, "reason", request?.Reason, AccreditationRules.TextLength, required: request?.Complete == false, lines: true,
            "Say why the application is returned: the applicant is told.");
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The check cannot be recorded so.");
        }
        if (application.Status != ApplicationStatuses.Submitted)
        {
            return Problems.Conflict("The application was checked already.", $"It is {ApplicationStatuses.DisplayName(application.Status).ToLowerInvariant()}.");
        }
        if (request!.Revision != application.Revision)
        {
            return Problems.Conflict("The application has changed since you read it.", "Read it again.");
        }
        var now = clock.GetUtcNow();
        application.CheckedAt = now;
        application.CheckedBy = Caller.From(user).Subject;
        application.Revision++;
        if (request.Complete == false)
        {
            application.Status = ApplicationStatuses.Returned;
            application.ReturnReason = reason;
            ApplicantMail.Outcome(db, application, "returned", $"The application of {application.Organization} is returned",
                $"The Secretariat has checked the application of {application.Organization} for accreditation to the Open-ended Working Group, and returns it:\n\n{reason}\n\nYou may apply again with what is missing.");
        }
        else if (application.Ecosoc)
        {
            application.Status = ApplicationStatuses.Accredited;
            application.DecidedAt = now;
            ApplicantMail.Accredited(db, application, "with consultative status with ECOSOC");
        }
        else
        {
            application.Status = ApplicationStatuses.Checked;
        }
        db.AddAuditRecord(ResourceNames.Meetings, "stakeholder.checked", AuditOutcomes.Success, http, target: id.ToString(), detail: application.Status);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("The application has changed since you read it.", "Someone checked it at the same moment. Read it again.");
        }
        return TypedResults.Ok(View(application));
    }

    private static async Task<IResult> RoundsAsync(ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        if (!Problems.SignedInPerson(user))
        {
            return TypedResults.Ok(new List<RoundSummary>());
        }
        var rounds = await db.AccreditationRounds.AsNoTracking().OrderByDescending(r => r.CirculatedAt).ToListAsync(ct);
        var counts = await db.StakeholderApplications.AsNoTracking().Where(a => a.RoundId != null).GroupBy(a => a.RoundId!.Value)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return TypedResults.Ok(rounds.Select(r => new RoundSummary(r.Id, r.Title, r.Deadline, SilenceLetters.Describe(r.Deadline, r.Zone), r.Status, counts.GetValueOrDefault(r.Id))).ToList());
    }

    private static async Task<RoundView> RoundViewAsync(MeetingsDbContext db, AccreditationRound round, ClaimsPrincipal user, DateTimeOffset now, CancellationToken ct)
    {
        var applicants = await db.StakeholderApplications.AsNoTracking().Where(a => a.RoundId == round.Id).OrderBy(a => a.Organization)
            .Select(a => new Applicant(a.Id, a.Organization, a.Website, a.Headquarters, a.Type, a.Purpose, a.Relevance, a.UnInteraction, a.Status)).ToListAsync(ct);
        List<AccreditationObjectionView>? objections = null;
        var all = ChairOrSecretariat(user);
        if (all || Problems.DelegateState(user) is not null)
        {
            var state = Problems.DelegateState(user);
            objections = await db.AccreditationObjections.AsNoTracking().Where(o => o.RoundId == round.Id && (all || o.State == state)).OrderBy(o => o.ReceivedAt)
                .Select(o => new AccreditationObjectionView(o.Id, o.ApplicationId, o.State, o.Basis, o.ReceivedAt, o.WithdrawnAt, all ? o.ReceivedFrom : null)).ToListAsync(ct);
        }
        return new RoundView(round.Id, round.Title, round.Deadline, SilenceLetters.Describe(round.Deadline, round.Zone), round.Status, round.CirculatedAt, round.DecidedAt,
            round.LetterId, applicants, objections, round.Revision, now);
    }

    private static async Task<IResult> RoundAsync(Guid id, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var round = Problems.SignedInPerson(user) ? await db.AccreditationRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct) : null;
        return round is null ? NoRound() : TypedResults.Ok(await RoundViewAsync(db, round, user, clock.GetUtcNow(), ct));
    }

    private static async Task<IResult> CirculateAsync(
        RoundRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (!ChairOrSecretariat(user))
        {
            return Problems.NotAllowed("Applications are circulated by the Chair's office and the Secretariat.");
        }
        request ??= new RoundRequest(null, null, null, null);
        var now = clock.GetUtcNow();
        var errors = new FieldErrors();
        var title = SilenceRules.Text(errors, "title", request.Title, AccreditationRules.TitleLength, required: true, lines: false, "Say what the round is for, e.g. the fifth substantive session.");
        var deadline = SilenceRules.Expiry(errors, request.DeadlineDate, request.DeadlineTime, null);
        var minimum = AccreditationRules.Minimum(configuration);
        if (deadline is { } d && d.At < now + minimum)
        {
            errors.Add("expiryDate", $"Member States have at least {minimum.TotalHours:0} hours to object: give a deadline after {SilenceLetters.Describe(now + minimum, d.Zone)}.");
        }
        var ids = (request.Applications ?? []).Distinct().ToList();
        if (ids.Count == 0)
        {
            errors.Add("applications", "Choose the checked applications to circulate.");
        }
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(RenameExpiry(errors.ToDictionary()), title: "The round cannot be circulated so.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"""SELECT 1 FROM stakeholder_applications WHERE "Id" = ANY({ids.ToArray()}) FOR UPDATE""", ct);
        // Read without their letters: the round needs only what the missions are told.
        var applications = await db.StakeholderApplications.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.Organization, a.Status, a.Type, a.Headquarters, a.Website }).ToListAsync(ct);
        var wrong = applications.FirstOrDefault(a => a.Status != ApplicationStatuses.Checked);
        if (applications.Count != ids.Count || wrong is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["applications"] = [wrong is null ? "Some of these applications do not exist." : $"{wrong.Organization} is not waiting for a round: it is {ApplicationStatuses.DisplayName(wrong.Status).ToLowerInvariant()}."],
            }, title: "The round cannot be circulated so.");
        }
        var missions = await MissionList.LoadAsync(db, ct);
        if (!missions.Complete)
        {
            return Problems.Conflict("The list of States is not complete yet.", missions.IncompleteDetail("a round"));
        }
        if (!missions.AnyAddress)
        {
            return Problems.Conflict("No mission has an address.", "Give the Permanent Missions their official addresses before circulating a round: applicants not objected to are accredited at its deadline.");
        }
        var names = missions.States.ToDictionary(s => s.Iso3, s => s.Name);
        var round = new AccreditationRound { Title = title!, Deadline = deadline!.Value.At, Zone = deadline.Value.Zone, CirculatedAt = now, CirculatedBy = Caller.From(user).Subject };
        db.AccreditationRounds.Add(round);
        await db.StakeholderApplications.Where(a => ids.Contains(a.Id)).ExecuteUpdateAsync(set => set
            .SetProperty(a => a.Status, ApplicationStatuses.InRound).SetProperty(a => a.RoundId, round.Id).SetProperty(a => a.Revision, a => a.Revision + 1), ct);
        var list = string.Join("\n", applications.OrderBy(a => a.Organization, StringComparer.Ordinal).Select((a, i) =>
            $"{i + 1}. {a.Organization} ({StakeholderTypes.DisplayName(a.Type)}, {names.GetValueOrDefault(a.Headquarters, a.Headquarters)}), {a.Website}"));
        var letter = LetterDispatch.Written($"Stakeholder accreditation: {round.Title}",
            $"""
                I have the honour to circulate to all Member States the list of stakeholders that have applied for accreditation to {round.Title}, in accordance with the modalities of stakeholder participation, on a non-objection basis.

                A Member State wishing to object to the accreditation of any of them is requested to do so, through its delegation, by {SilenceLetters.Describe(round.Deadline, round.Zone)}, and is encouraged to indicate, on a voluntary basis, the general basis of its objection. Those not objected to by then will be accredited as observers.

                {list}
                """,
            isPublic: false, round.Zone, now, round.CirculatedBy);
        LetterDispatch.SendWritten(db, letter, missions, AuthenticationExtensions.WebUrl(configuration), now);
        round.LetterId = letter.Id;
        db.AddAuditRecord(ResourceNames.Meetings, "accreditation.circulated", AuditOutcomes.Success, http, target: round.Id.ToString(), detail: $"{applications.Count} applicants");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/meetings/stakeholders/rounds/{round.Id}", await RoundViewAsync(db, round, user, now, ct));
    }

    /// <summary>The expiry's field names as a round calls them.</summary>
    private static Dictionary<string, string[]> RenameExpiry(Dictionary<string, string[]> errors) =>
        errors.ToDictionary(e => e.Key switch { "expiryDate" => "deadlineDate", "expiryTime" => "deadlineTime", _ => e.Key }, e => e.Value);

    private static IResult? Closed(AccreditationRound round, DateTimeOffset now) =>
        round.Status != RoundStatuses.Circulated || now >= round.Deadline
            ? Problems.Conflict("The period for objections has ended.", $"It ended on {SilenceLetters.Describe(round.Deadline, round.Zone)}; it is now {SilenceLetters.Describe(now, round.Zone)}.")
            : null;

    private static async Task<IResult> ObjectAsync(
        Guid id, AccreditationObjectionRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (Problems.DelegateState(user) is not { } state)
        {
            return Problems.NotAllowed("An objection to an applicant is made by a Member State, through its delegate.");
        }
        return await ReceiveObjectionAsync(id, state, Caller.From(user).Subject ?? "", request, db, clock, http, ct);
    }

    /// <summary>
    /// Receives a State's objection to an applicant of a round (its delegate's right to send it already checked): while the
    /// round's row is held FOR SHARE, the clock is read and must be before the deadline; the objection and the audit record
    /// are committed together. Created with the objection, or the refusal.
    /// </summary>
    public static async Task<IResult> ReceiveObjectionAsync(
        Guid id, string state, string from, AccreditationObjectionRequest? request, MeetingsDbContext db, TimeProvider clock, HttpContext? http, CancellationToken ct)
    {
        if (!await db.MemberStates.AnyAsync(s => s.Iso3 == state && s.UnStatus == "Member", ct))
        {
            return Problems.NotAllowed("Objections to applicants are made by Member States.");
        }
        var deadline = await db.AccreditationRounds.AsNoTracking().Where(r => r.Id == id).Select(r => (DateTimeOffset?)r.Deadline).SingleOrDefaultAsync(ct);
        if (deadline is null)
        {
            return NoRound();
        }
        if (clock.GetUtcNow() >= deadline)
        {
            return Closed(await db.AccreditationRounds.AsNoTracking().SingleAsync(r => r.Id == id, ct), clock.GetUtcNow())!;
        }
        var errors = new FieldErrors();
        var basis = SilenceRules.Text(errors, "basis", request?.Basis, AccreditationRules.TextLength, required: false, lines: true, "");
        if (request?.Application is null)
        {
            errors.Add("application", "Choose the applicant your State objects to.");
        }
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The objection cannot be received so.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"""SELECT 1 FROM accreditation_rounds WHERE "Id" = {id} FOR SHARE""", ct);
        var now = clock.GetUtcNow();
        var round = await db.AccreditationRounds.AsNoTracking().SingleAsync(r => r.Id == id, ct);
        if (Closed(round, now) is { } closed)
        {
            return closed;
        }
        if (!await db.StakeholderApplications.AnyAsync(a => a.Id == request!.Application && a.RoundId == id, ct))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["application"] = ["This applicant is not in the round."] }, title: "The objection cannot be received so.");
        }
        if (await db.AccreditationObjections.AnyAsync(o => o.RoundId == id && o.ApplicationId == request!.Application && o.State == state && o.WithdrawnAt == null, ct))
        {
            return Problems.Conflict("Your State objects to this applicant already.", "One objection stands per State and applicant.");
        }
        var objection = new AccreditationObjection { RoundId = id, ApplicationId = request!.Application!.Value, State = state, Basis = basis, ReceivedAt = now, ReceivedFrom = from };
        db.AccreditationObjections.Add(objection);
        db.AddAuditRecord(ResourceNames.Meetings, "accreditation.objected", AuditOutcomes.Success, http, target: id.ToString(), state: state, detail: $"applicant {objection.ApplicationId}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("Your State objects to this applicant already.", "Another delegate of your State objected at the same moment.");
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/meetings/stakeholders/rounds/{id}",
            new AccreditationObjectionView(objection.Id, objection.ApplicationId, state, basis, now, null, null));
    }

    private static async Task<IResult> WithdrawObjectionAsync(Guid id, Guid objectionId, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        if (Problems.DelegateState(user) is not { } state)
        {
            return Problems.NotAllowed("An objection is withdrawn by its State's delegate.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"""SELECT 1 FROM accreditation_rounds WHERE "Id" = {id} FOR SHARE""", ct);
        var now = clock.GetUtcNow();
        var round = await db.AccreditationRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        var objection = round is null ? null : await db.AccreditationObjections.AsNoTracking().SingleOrDefaultAsync(o => o.Id == objectionId && o.RoundId == id && o.State == state, ct);
        if (round is null || objection is null)
        {
            return TypedResults.Problem(title: "No such objection.", detail: "Your State has no objection with this id in this round.", statusCode: StatusCodes.Status404NotFound);
        }
        if (Closed(round, now) is { } closed)
        {
            return closed;
        }
        if (await db.AccreditationObjections.Where(o => o.Id == objectionId && o.WithdrawnAt == null).ExecuteUpdateAsync(set => set.SetProperty(o => o.WithdrawnAt, now), ct) == 0)
        {
            return Problems.Conflict("The objection was withdrawn already.", "Nothing more is needed.");
        }
        db.AddAuditRecord(ResourceNames.Meetings, "accreditation.objection-withdrawn", AuditOutcomes.Success, http, target: id.ToString(), state: state, detail: $"objection {objectionId}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new AccreditationObjectionView(objection.Id, objection.ApplicationId, state, objection.Basis, objection.ReceivedAt, now, null));
    }
}
