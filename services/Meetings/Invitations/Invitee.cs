namespace PocDirectory.Meetings.Invitations;

/// <summary>
/// One address a meeting's invitation went to: an official address of a State's Permanent Mission, or the contact
/// of an accredited stakeholder (then <see cref="State"/> is empty and <see cref="MissionName"/> is the organization). It gets
/// the invitation (METHOD:REQUEST), an update for every later version of the meeting, and the cancellation
/// (METHOD:CANCEL), each once; <see cref="SequenceSent"/> is the last version it was sent.
/// </summary>
public sealed class Invitee
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid MeetingId { get; set; }

    /// <summary>The State whose mission the address is (ISO 3166-1 alpha-3); empty for a stakeholder.</summary>
    public string State { get; set; } = "";

    /// <summary>The mission's name, or the stakeholder organization's.</summary>
    public string MissionName { get; set; } = "";

    /// <summary>The accredited stakeholder's application, when the invitee is a stakeholder and not a mission.</summary>
    public Guid? StakeholderId { get; set; }

    /// <summary>
    /// The SHA-256 of the secret in a stakeholder's registration link, e-mailed with the invitation: the link lets the
    /// organization register its participants for this meeting, without an account, each for the Secretariat's approval.
    /// </summary>
    public byte[]? RegistrationHash { get; set; }

    public string Email { get; set; } = "";

    public DateTimeOffset InvitedAt { get; set; }

    /// <summary>The meeting's SEQUENCE in the last calendar object sent to this address.</summary>
    public int SequenceSent { get; set; }

    /// <summary>The last e-mail sent (its <c>SendEmail.EmailId</c>), to match a report that it could not be delivered.</summary>
    public Guid LastEmailId { get; set; }

    /// <summary>Sent (handed to Notifications) or undeliverable, for the last e-mail.</summary>
    public string Status { get; set; } = InviteeStatuses.Sent;

    public string? Reason { get; set; }
}

public static class InviteeStatuses
{
    public const string Sent = "sent";
    public const string Undeliverable = "undeliverable";
}
