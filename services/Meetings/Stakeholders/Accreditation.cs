namespace PocDirectory.Meetings.Stakeholders;

public static class ApplicationStatuses
{
    /// <summary>Sent, waiting for the contact to confirm the address by the e-mailed link.</summary>
    public const string AwaitingConfirmation = "awaiting-confirmation";

    /// <summary>Confirmed: waiting for the Secretariat's check.</summary>
    public const string Submitted = "submitted";

    /// <summary>Returned by the Secretariat with a reason (incomplete): the organization may apply again.</summary>
    public const string Returned = "returned";

    /// <summary>Checked and complete, without ECOSOC status: waiting to be put in a round for non-objection.</summary>
    public const string Checked = "checked";

    /// <summary>In a round circulated to the Permanent Missions, until its deadline.</summary>
    public const string InRound = "in-round";

    /// <summary>Accredited: with ECOSOC status after the check, or not objected to in its round.</summary>
    public const string Accredited = "accredited";

    /// <summary>Objected to by a Member State in its round: not accredited.</summary>
    public const string NotAccredited = "not-accredited";

    /// <summary>Applications still open: a second one for the same organization is refused meanwhile.</summary>
    public static readonly string[] Open = [AwaitingConfirmation, Submitted, Checked, InRound];

    public static string DisplayName(string status) => status switch
    {
        AwaitingConfirmation => "Waiting for the contact's confirmation",
        Submitted => "Waiting for the Secretariat's check",
        Returned => "Returned",
        Checked => "Checked, waiting for a round",
        InRound => "Circulated for non-objection",
        Accredited => "Accredited",
        NotAccredited => "Not accredited",
        _ => status,
    };
}

public static class StakeholderTypes
{
    public const string Ngo = "ngo";
    public const string Academia = "academia";
    public const string PrivateSector = "private-sector";
    public const string TechnicalCommunity = "technical-community";

    public static readonly string[] All = [Ngo, Academia, PrivateSector, TechnicalCommunity];

    public static string DisplayName(string type) => type switch
    {
        Ngo => "Non-governmental organization",
        Academia => "Academia",
        PrivateSector => "Private sector",
        TechnicalCommunity => "Technical community",
        _ => type,
    };
}

/// <summary>
/// An organization's application for accreditation to the OEWG as a stakeholder: who it is, what it does, its contact
/// (who confirms the address first) and its letter on letterhead (a PDF). ECOSOC-accredited organizations are
/// accredited once the Secretariat has checked the application; the others go to Member States for non-objection.
/// </summary>
public sealed class StakeholderApplication
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public string Organization { get; set; } = "";

    /// <summary>The name folded for comparison (case, accents and spacing): a second open application for it is refused.</summary>
    public string OrganizationKey { get; set; } = "";

    public string Website { get; set; } = "";

    /// <summary>The country of its headquarters (ISO 3166 alpha-3).</summary>
    public string Headquarters { get; set; } = "";

    public string Type { get; set; } = StakeholderTypes.Ngo;

    public bool Ecosoc { get; set; }

    public string? EcosocReference { get; set; }

    public string Purpose { get; set; } = "";

    public string Relevance { get; set; } = "";

    public string? UnInteraction { get; set; }

    public string ContactName { get; set; } = "";

    public string ContactEmail { get; set; } = "";

    public byte[] Letter { get; set; } = [];

    public string LetterFileName { get; set; } = "";

    public string LetterSha256 { get; set; } = "";

    public string Status { get; set; } = ApplicationStatuses.AwaitingConfirmation;

    /// <summary>The SHA-256 of the secret in the contact's confirmation link (kept, so that a second click is told it was done).</summary>
    public byte[]? ConfirmationHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }

    public DateTimeOffset? CheckedAt { get; set; }

    public string? CheckedBy { get; set; }

    public string? ReturnReason { get; set; }

    public Guid? RoundId { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public int Revision { get; set; } = 1;
}

public static class RoundStatuses
{
    public const string Circulated = "circulated";
    public const string Decided = "decided";
}

/// <summary>
/// A round of applications circulated to every Permanent Mission for non-objection until a deadline. The row is the
/// deadline: decided once at it (<see cref="AccreditationDeadlines"/>), each applicant not objected to accredited.
/// </summary>
public sealed class AccreditationRound
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>What it is for: "the fifth substantive session".</summary>
    public string Title { get; set; } = "";

    public DateTimeOffset Deadline { get; set; }

    public string Zone { get; set; } = Schedule.MeetingTime.NewYork;

    public string Status { get; set; } = RoundStatuses.Circulated;

    public DateTimeOffset CirculatedAt { get; set; }

    public string? CirculatedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public Guid? LetterId { get; set; }

    public int Revision { get; set; } = 1;
}

/// <summary>A Member State's objection to one applicant of a round, with the general basis it chose to give; seen by the Chair's office and the Secretariat only.</summary>
public sealed class AccreditationObjection
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid RoundId { get; set; }

    public Guid ApplicationId { get; set; }

    public string State { get; set; } = "";

    public string? Basis { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public string ReceivedFrom { get; set; } = "";

    public DateTimeOffset? WithdrawnAt { get; set; }
}
