namespace PocDirectory.Meetings.Letters;

public static class LetterStatuses
{
    public const string Draft = "draft";
    public const string Sent = "sent";
}

/// <summary>
/// A letter of the Chair to every Permanent Mission. A draft is written in parts (date, salutation, body,
/// closing, signature, addressees, enclosure, and an annex made from meetings); sending freezes its whole
/// text (<see cref="Text"/>) as the missions received it, which the archive shows ever after.
/// </summary>
public sealed class Letter
{
    public const string DefaultSalutation = "Excellency,";
    public const string DefaultClosing = "Please accept, Excellency, the assurances of my highest consideration.";
    public const string DefaultSignature = "Chair\nOpen-Ended Working Group on\nsecurity of and in the use of\ninformation and communications\ntechnologies";
    public const string DefaultAddressees = "All Permanent Representatives and Permanent Observers to the United Nations\nNew York";

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public DateOnly Date { get; set; }

    public string Subject { get; set; } = "";

    public string Salutation { get; set; } = DefaultSalutation;

    public string Body { get; set; } = "";

    public string Closing { get; set; } = DefaultClosing;

    public string Signature { get; set; } = DefaultSignature;

    public string Addressees { get; set; } = DefaultAddressees;

    public string? Enclosure { get; set; }

    /// <summary>The meetings whose schedule is annexed, in the order of their time.</summary>
    public List<Guid> AnnexMeetings { get; set; } = [];

    public string? AnnexTitle { get; set; }

    public bool IsPublic { get; set; }

    public string Status { get; set; } = LetterStatuses.Draft;

    /// <summary>The letter as sent (null while a draft).</summary>
    public string? Text { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public string? SentBy { get; set; }

    public int Revision { get; set; } = 1;

    /// <summary>Whether the letter also went to every point of contact (through the Directory, which holds their addresses).</summary>
    public bool ToPointsOfContact { get; set; }

    /// <summary>How many points of contact the Directory e-mailed it to, once it has said.</summary>
    public int? PointsOfContactReached { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>One of the Chair's seed letters ("2022-12-15"), loaded as it was sent; null for the others.</summary>
    public string? SeedKey { get; set; }
}

public static class RecipientStatuses
{
    /// <summary>Handed to Notifications, which sends it and retries.</summary>
    public const string Sent = "sent";

    /// <summary>Notifications gave up: the server refused the address, or every attempt failed.</summary>
    public const string Undeliverable = "undeliverable";

    /// <summary>The mission had no address when the letter was sent.</summary>
    public const string NoAddress = "no-address";
}

/// <summary>One mission's copy of a sent letter: one row per address (or one without an address), with what became of it.</summary>
public sealed class LetterRecipient
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid LetterId { get; set; }

    public string State { get; set; } = "";

    public string MissionName { get; set; } = "";

    public string? Email { get; set; }

    /// <summary>The e-mail's id at Notifications: it is sent once, however often it is asked for.</summary>
    public Guid? EmailId { get; set; }

    public string Status { get; set; } = RecipientStatuses.Sent;

    public string? Reason { get; set; }

    public DateTimeOffset? StatusAt { get; set; }

    /// <summary>The SHA-256 of the secret in this copy's acknowledgement link (<c>OneTimeTokens</c>); the secret itself is only in the e-mail.</summary>
    public byte[]? AcknowledgementHash { get; set; }

    /// <summary>When the mission acknowledged receipt (through any of its copies' links): set on every copy of its State.</summary>
    public DateTimeOffset? AcknowledgedAt { get; set; }
}
