using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.Notifications;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Meetings.Infrastructure;
using PocDirectory.Meetings.Letters;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Invitations;

/// <summary>
/// The Chair's e-mails to every point of contact. Their addresses are the Directory's and stay there: the
/// Meetings service asks the Directory (<see cref="EmailPointsOfContact"/>, in the caller's transaction) to send
/// each of them the e-mail, and learns how many it reached (<see cref="PointsOfContactEmailed"/>). Each request's
/// id is derived from what it sends (the letter; the meeting and its version), so it is sent once however often
/// it is asked. A meeting's calendar entry is the same for all of them (METHOD:PUBLISH, no attendee named): a
/// later version with the same UID and a higher SEQUENCE replaces it, a cancelled one says STATUS:CANCELLED.
/// </summary>
public static class PointsOfContactMail
{
    public const string InvitationTemplate = "poc-meeting-invitation";

    public static string LetterReference(Guid letterId) => $"letter/{letterId}";

    public static string MeetingReference(Guid meetingId) => $"meeting/{meetingId}";

    /// <summary>The letter as sent, to every point of contact (no acknowledgement link: receipt is the missions' to acknowledge).</summary>
    public static void Letter(MeetingsDbContext db, Letter letter, string link)
    {
        letter.ToPointsOfContact = true;
        db.AddIntegrationEvent(new EmailPointsOfContact
        {
            RequestId = DerivedIds.From("letter-points-of-contact", letter.Id.ToString()),
            Reference = LetterReference(letter.Id),
            Template = LettersTemplate,
            Values = new Dictionary<string, string> { ["subject"] = letter.Subject, ["text"] = letter.Text ?? "", ["link"] = link, ["acknowledge"] = "" },
            RequestedBy = ResourceNames.Meetings,
        });
    }

    private const string LettersTemplate = "chair-letter";

    /// <summary>
    /// The meeting as it now is, to every point of contact: the invitation, an update, or the cancellation. With
    /// <paramref name="uninvited"/>, a meeting no longer open to them: their entry is marked cancelled, and they are no
    /// longer invited (nothing more is sent to them unless they are invited again).
    /// </summary>
    public static void Meeting(MeetingsDbContext db, Meeting meeting, InvitationKind kind, string? webUrl, DateTimeOffset now, bool uninvited = false)
    {
        var requestId = DerivedIds.From("meeting-points-of-contact", meeting.Id.ToString(),
            meeting.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), uninvited ? "uninvited" : kind.ToString());
        meeting.PointsOfContactInvitedAt = uninvited ? null : meeting.PointsOfContactInvitedAt ?? now;
        meeting.PointsOfContactReached = null;
        meeting.PointsOfContactRequestId = requestId;
        db.AddIntegrationEvent(new EmailPointsOfContact
        {
            RequestId = requestId,
            Reference = MeetingReference(meeting.Id),
            Template = InvitationTemplate,
            Values = InvitationMail.Values(meeting,
                uninvited ? "No longer open to points of contact" : InvitationMail.Heading(kind),
                uninvited ? "The following meeting is no longer open to points of contact; the calendar entry attached marks it as cancelled in your calendar." : kind switch
                {
                    InvitationKind.Invitation => "On behalf of the Chair, you are invited, as a point of contact of the Global POC Directory, to the following meeting.",
                    InvitationKind.Update => "The following meeting has changed; the calendar entry attached replaces the earlier one.",
                    _ => "The following meeting is cancelled; the calendar entry attached marks it as cancelled in your calendar.",
                }, webUrl),
            Calendar = new EmailCalendar { Method = EmailCalendar.Publish, Text = CalendarFiles.Publish([meeting], meeting.Title, asCancelled: uninvited) },
            RequestedBy = ResourceNames.Meetings,
        });
    }
}
