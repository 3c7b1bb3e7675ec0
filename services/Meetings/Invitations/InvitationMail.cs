using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Participants;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Invitations;

/// <summary>What an invitation e-mail is: the first one, an update of the meeting, or its cancellation.</summary>
public enum InvitationKind
{
    Invitation,
    Update,
    Cancellation,
}

/// <summary>
/// The invitation e-mails of a meeting, each with its calendar object (iMIP): written in the caller's
/// transaction (the outbox), so that a meeting changed or cancelled is announced to every invitee exactly
/// when the change is saved, once per version (Notifications sends an e-mail id once).
/// </summary>
public static class InvitationMail
{
    public const string Template = "meeting-invitation";

    /// <summary>What the calendar entry and the e-mail show of a meeting: a change of any of it is sent to the invitees.</summary>
    public sealed record Shown(
        MeetingTimeRequest Time, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Kind, string Audience, string? Format, string? Room,
        string Status, string Title, string? Description)
    {
        public static Shown Of(Meeting meeting) => new(
            meeting.Time.ToRequest(), meeting.StartsAt, meeting.EndsAt, meeting.Kind, string.Join(',', meeting.Audience), meeting.Format, meeting.Room,
            meeting.Status, meeting.Title, meeting.Description);
    }

    /// <summary>The organizer the calendar objects name: <c>Meetings:OrganizerEmail</c> and <c>Meetings:OrganizerName</c>.</summary>
    public static CalendarFiles.Person Organizer(IConfiguration configuration) => new(
        configuration["Meetings:OrganizerEmail"] ?? "oewg-chair@pocdirectory.example",
        configuration["Meetings:OrganizerName"] ?? "Chair of the Open-ended Working Group");

    /// <summary>The e-mail's first words, and its subject's: "Invitation", "Updated invitation", "Cancelled".</summary>
    public static string Heading(InvitationKind kind) => kind switch
    {
        InvitationKind.Invitation => "Invitation",
        InvitationKind.Update => "Updated invitation",
        _ => "Cancelled",
    };

    /// <summary>What an invitation e-mail says of the meeting (its templates' values but the addressee's name).</summary>
    public static Dictionary<string, string> Values(Meeting meeting, string heading, string intro, string? webUrl) => new()
    {
        ["heading"] = heading,
        ["intro"] = intro,
        ["title"] = meeting.Title,
        ["kind"] = MeetingKinds.DisplayName(meeting.Kind),
        ["when"] = meeting.Time.Describe(),
        ["place"] = ParticipantMail.Place(meeting),
        ["status"] = MeetingStatuses.DisplayName(meeting.Status),
        ["details"] = meeting.Description ?? "",
        ["link"] = webUrl is null ? "" : $"{webUrl}/meetings/{meeting.Id}",
        ["register"] = "",
    };

    /// <summary>
    /// The e-mails of <paramref name="kind"/> to <paramref name="invitees"/>; a stakeholder's first invitation carries its link to
    /// register participants (<paramref name="registrationLinks"/>, by invitee), which is not kept and so not sent again.
    /// </summary>
    public static void Send(MeetingsDbContext db, Meeting meeting, IEnumerable<Invitee> invitees, InvitationKind kind, CalendarFiles.Person organizer, string? webUrl,
        IReadOnlyDictionary<Guid, string>? registrationLinks = null)
    {
        var method = kind == InvitationKind.Cancellation ? EmailCalendar.Cancel : EmailCalendar.Request;
        var emails = new List<SendEmail>();
        foreach (var invitee in invitees)
        {
            invitee.LastEmailId = Guid.CreateVersion7();
            invitee.SequenceSent = meeting.Sequence;
            invitee.Status = InviteeStatuses.Sent;
            invitee.Reason = null;
            emails.Add(new SendEmail
            {
                EmailId = invitee.LastEmailId,
                To = invitee.Email,
                ToName = invitee.MissionName,
                Template = Template,
                RequestedBy = ResourceNames.Meetings,
                Values = new Dictionary<string, string>(Values(meeting, Heading(kind), kind switch
                {
                    InvitationKind.Invitation when invitee.StakeholderId is not null =>
                        "On behalf of the Chair, your organization, accredited as a stakeholder, is invited to the following meeting.",
                    InvitationKind.Invitation => "On behalf of the Chair, your Mission is invited to the following meeting.",
                    InvitationKind.Update => "The following meeting has changed; the calendar entry attached replaces the earlier one.",
                    _ => "The following meeting is cancelled; the calendar entry attached removes it from your calendar.",
                }, webUrl))
                {
                    ["name"] = invitee.MissionName,
                    ["register"] = registrationLinks?.GetValueOrDefault(invitee.Id) ?? "",
                },
                Calendar = new EmailCalendar
                {
                    Method = method,
                    Text = CalendarFiles.Itip(meeting, method, organizer, new CalendarFiles.Person(invitee.Email, invitee.MissionName)),
                },
            });
        }
        foreach (var chunk in emails.Chunk(SendEmailBatch.MaxSizeWithCalendars))
        {
            db.AddIntegrationEvent(new SendEmailBatch { Emails = chunk });
        }
    }
}
