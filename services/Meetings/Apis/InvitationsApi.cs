using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.BuildingBlocks.Security;
using PocDirectory.Contracts.Audit;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Letters;
using PocDirectory.Meetings.Invitations;
using PocDirectory.Meetings.Missions;
using PocDirectory.Meetings.Schedule;
using PocDirectory.Meetings.Stakeholders;

namespace PocDirectory.Meetings.Apis;

/// <summary>An invitation names the revision of the meeting it announces, so that what goes out is what was read.</summary>
public sealed record InvitationRequest(int? Revision);

/// <summary>An invitee: a mission's official address, or an accredited stakeholder (<see cref="Stakeholder"/>: its contact's address only for the Secretariat).</summary>
public sealed record InviteeView(string State, string MissionName, string Email, DateTimeOffset InvitedAt, int SequenceSent, string Status, string? Reason, bool Stakeholder = false);

/// <summary>
/// What an invitation did: the missions' addresses invited now and before, the States without one, every invitee; whether
/// the points of contact are invited (a meeting whose audience holds them), and whether this request invited them.
/// </summary>
public sealed record InvitationResult(int Invited, int AlreadyInvited, IReadOnlyList<string> WithoutAddress, IReadOnlyList<InviteeView> Invitees,
    bool PointsOfContactInvited = false, bool PointsOfContactInvitedNow = false, int StakeholdersInvited = 0);

/// <summary>
/// Invitations: the Chair's office invites the Permanent Missions of the meeting's audience (Member States,
/// observer States) and the accredited stakeholders when the audience holds them; each official address, and each
/// stakeholder's contact, gets an e-mail with the calendar entry (METHOD:REQUEST) (a stakeholder's with its own link to
/// register participants, <see cref="StakeholderRegistrationsApi"/>), and
/// later every change of what the entry shows (an update, with a higher SEQUENCE) and the cancellation
/// (METHOD:CANCEL), sent with the change itself (<see cref="MeetingsApi"/>).
/// </summary>
public static class InvitationsApi
{
    public static void MapInvitationsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/meetings/{id:guid}").WithTags("Invitations");
        api.MapPost("/invitations", InviteAsync).AuditedByHandler("meeting.invited")
            .WithSummary("Invite the Permanent Missions of the meeting's audience, each with a calendar entry (Chair's office)")
            .Produces<InvitationResult>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/invitations", ListAsync).Audited("meeting.invitations.read", ResourceNames.Meetings)
            .WithSummary("The addresses invited and what was last sent to each (Chair's office, directory manager)").Produces<List<InviteeView>>();
    }

    /// <summary>
    /// A stakeholder's contact is a person: the address is the Secretariat's to see, not the Chair's office's, and so is the reason
    /// an e-mail could not be delivered (a mail server's refusal names the address).
    /// </summary>
    private static InviteeView View(Invitee i, bool contacts) => i.StakeholderId is null || contacts
        ? new(i.State, i.MissionName, i.Email, i.InvitedAt, i.SequenceSent, i.Status, i.Reason, i.StakeholderId is not null)
        : new(i.State, i.MissionName, "", i.InvitedAt, i.SequenceSent, i.Status, i.Reason is null ? null : "The e-mail could not be delivered.", Stakeholder: true);

    private static async Task<List<InviteeView>> InviteesAsync(MeetingsDbContext db, Guid id, bool contacts, CancellationToken ct) =>
        (await db.Invitees.AsNoTracking().Where(i => i.MeetingId == id).OrderBy(i => i.State).ThenBy(i => i.MissionName).ThenBy(i => i.Email).ToListAsync(ct))
        .Select(i => View(i, contacts)).ToList();

    private static async Task<IResult> ListAsync(Guid id, ClaimsPrincipal user, MeetingsDbContext db, CancellationToken ct)
    {
        if (!MeetingsApi.Schedules(Caller.From(user)))
        {
            return Problems.NotAllowed("A meeting's invitations are the Chair's office's and the Secretariat's to see.");
        }
        if (!await db.Meetings.AnyAsync(m => m.Id == id, ct))
        {
            return Problems.NoMeeting();
        }
        return TypedResults.Ok(await InviteesAsync(db, id, Caller.From(user).IsDirectoryManager, ct));
    }

    /// <summary>The States whose missions the audience names: Member States, observer States, or both.</summary>
    private static bool Invited(Meeting meeting, MemberStateCopy state) =>
        state.UnStatus == "Observer" ? meeting.Audience.Contains(Audiences.Observers) : meeting.Audience.Contains(Audiences.MemberStates);

    private static async Task<IResult> InviteAsync(
        Guid id, InvitationRequest? request, ClaimsPrincipal user, MeetingsDbContext db, TimeProvider clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        if (!MeetingsApi.Schedules(Caller.From(user)))
        {
            return Problems.NotAllowed("Invitations are sent by the Chair's office.");
        }
        if (request?.Revision is not { } revision)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["revision"] = ["Give the revision of the meeting you read, so that the invitation says what you read."],
            }, title: "The invitation cannot be sent so.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await MeetingsApi.LockAsync(db, id, ct);
        var meeting = await db.Meetings.SingleOrDefaultAsync(m => m.Id == id, ct);
        if (meeting is null)
        {
            return Problems.NoMeeting();
        }
        if (meeting.Status is MeetingStatuses.Cancelled or MeetingStatuses.Held)
        {
            return Problems.Conflict($"The meeting is {meeting.Status}.", "Invitations go out for meetings still to be held.");
        }
        if (revision != meeting.Revision)
        {
            return Problems.Conflict("The meeting has changed since you read it.", $"You read revision {revision}; it is at revision {meeting.Revision} now. Read it again before inviting.");
        }
        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        if (meeting.Time.Precision is not (TimePrecisions.Exact or TimePrecisions.Day or TimePrecisions.Days))
        {
            errors["time"] = [$"The meeting is planned for {meeting.Time.Describe()}: invite once its date is fixed."];
        }
        else if (meeting.StartsAt <= now)
        {
            errors["time"] = [$"The meeting began {meeting.Time.Describe()}: invitations go out for meetings ahead."];
        }
        var toStates = meeting.Audience.Contains(Audiences.MemberStates) || meeting.Audience.Contains(Audiences.Observers);
        var toPointsOfContact = meeting.Audience.Contains(Audiences.PointsOfContact);
        var toStakeholders = meeting.Audience.Contains(Audiences.Stakeholders);
        if (!toStates && !toPointsOfContact && !toStakeholders)
        {
            errors["audience"] = ["The meeting's audience holds no States, no accredited stakeholders and no points of contact: invitations go to the Permanent Missions of Member States or observer States, to the accredited stakeholders, and to the points of contact."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The invitation cannot be sent.");
        }
        var added = new List<Invitee>();
        var withoutAddress = new List<string>();
        var invitedBefore = 0;
        if (toStates)
        {
            var list = await MissionList.LoadAsync(db, ct);
            if (!list.Complete)
            {
                return Problems.Conflict("The list of States is not complete yet.", list.IncompleteDetail("an invitation"));
            }
            var (states, missions) = (list.States, list.Missions);
            var invited = (await db.Invitees.AsNoTracking().Where(i => i.MeetingId == id && i.StakeholderId == null).Select(i => new { i.State, i.Email }).ToListAsync(ct))
                .Select(i => (i.State, i.Email.ToLowerInvariant())).ToHashSet();
            invitedBefore = invited.Count;
            foreach (var state in states.Where(s => Invited(meeting, s)))
            {
                var mission = missions.GetValueOrDefault(state.Iso3);
                if (mission is null || mission.Emails.Count == 0)
                {
                    withoutAddress.Add(state.Iso3);
                    continue;
                }
                foreach (var email in mission.Emails.Where(e => !invited.Contains((state.Iso3, e.ToLowerInvariant()))))
                {
                    added.Add(new Invitee { MeetingId = id, State = state.Iso3, MissionName = string.IsNullOrEmpty(mission.Name) ? PermanentMission.DefaultName(state) : mission.Name, Email = email, InvitedAt = now });
                }
            }
        }
        // Each accredited stakeholder not invited yet: its contact, with a link of its own to register the organization's participants.
        var registrationLinks = new Dictionary<Guid, string>();
        var web = AuthenticationExtensions.WebUrl(configuration);
        if (toStakeholders)
        {
            var invitedStakeholders = await db.Invitees.AsNoTracking().Where(i => i.MeetingId == id && i.StakeholderId != null).Select(i => i.StakeholderId!.Value).ToListAsync(ct);
            var accredited = await db.StakeholderApplications.AsNoTracking()
                .Where(a => a.Status == ApplicationStatuses.Accredited && !invitedStakeholders.Contains(a.Id))
                .OrderBy(a => a.Organization).Select(a => new { a.Id, a.Organization, a.ContactEmail }).ToListAsync(ct);
            invitedBefore += invitedStakeholders.Count;
            foreach (var stakeholder in accredited)
            {
                var token = OneTimeTokens.New();
                var invitee = new Invitee
                {
                    MeetingId = id, State = "", MissionName = stakeholder.Organization, Email = stakeholder.ContactEmail, InvitedAt = now,
                    StakeholderId = stakeholder.Id, RegistrationHash = OneTimeTokens.Hash(token),
                };
                added.Add(invitee);
                registrationLinks[invitee.Id] = web is null ? token : $"{web}/stakeholders/register?token={token}";
            }
        }
        // Nobody at all to invite: no mission of the audience has an address, no stakeholder is accredited, and no points of contact
        // are in it (points of contact, or one side with someone to invite, are invited all the same).
        if (added.Count == 0 && invitedBefore == 0 && !toPointsOfContact)
        {
            const string addresses = "Give the Permanent Missions their official addresses (the Missions page, or a CSV import) before inviting.";
            return (toStates, toStakeholders) switch
            {
                (true, false) => Problems.Conflict("No mission of the audience has an address.", addresses),
                (false, _) => Problems.Conflict("Nobody to invite.", "The meeting is for accredited stakeholders, and none is accredited yet."),
                _ => Problems.Conflict("Nobody to invite.", $"No mission of the audience has an address, and no stakeholder is accredited yet. {addresses}"),
            };
        }
        var pointsOfContactNow = toPointsOfContact && meeting.PointsOfContactInvitedAt is null;
        db.Invitees.AddRange(added);
        InvitationMail.Send(db, meeting, added, InvitationKind.Invitation, InvitationMail.Organizer(configuration), web, registrationLinks);
        if (pointsOfContactNow)
        {
            PointsOfContactMail.Meeting(db, meeting, InvitationKind.Invitation, web, now);
        }
        db.AddAuditRecord(ResourceNames.Meetings, "meeting.invited", AuditOutcomes.Success, http, target: meeting.Id.ToString(),
            detail: $"{added.Count} addresses invited ({registrationLinks.Count} stakeholders), {invitedBefore} before; {withoutAddress.Count} States without an address"
                + (pointsOfContactNow ? "; every point of contact invited" : ""));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new InvitationResult(added.Count, invitedBefore, withoutAddress, await InviteesAsync(db, id, Caller.From(user).IsDirectoryManager, ct),
            meeting.PointsOfContactInvitedAt is not null, pointsOfContactNow, registrationLinks.Count));
    }
}
