namespace PocDirectory.Meetings.Silence;

public static class SilenceStatuses
{
    /// <summary>Circulated; objections are received until the expiry.</summary>
    public const string UnderSilence = "under-silence";

    /// <summary>No objection stood at the expiry: the proposal is adopted.</summary>
    public const string Passed = "passed";

    /// <summary>At least one objection stood at the expiry: the proposal is not adopted.</summary>
    public const string Broken = "broken";

    /// <summary>The Chair withdrew the proposal before the expiry.</summary>
    public const string Withdrawn = "withdrawn";

    public static string DisplayName(string status) => status switch
    {
        UnderSilence => "Under silence",
        Passed => "Silence passed: adopted",
        Broken => "Silence broken: not adopted",
        Withdrawn => "Withdrawn",
        _ => status,
    };
}

/// <summary>
/// A proposal of the Chair under a silence procedure: circulated to every Permanent Mission with the exact
/// instant of its expiry. The row itself is the deadline: the worker claims it at the expiry and decides it
/// once, in one transaction that counts the objections standing then (<see cref="SilenceDeadlines"/>).
/// </summary>
public sealed class SilenceProcedure
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public string Subject { get; set; } = "";

    /// <summary>The proposal's text as circulated; paragraphs are numbered by the blank lines between them.</summary>
    public string Proposal { get; set; } = "";

    /// <summary>The instant silence expires: an objection received before it counts, one at or after it is refused.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The zone the expiry was given in (its wall-clock time is what the letters say).</summary>
    public string Zone { get; set; } = Schedule.MeetingTime.NewYork;

    /// <summary>Whether the public sees the proposal and its outcome (never the objections).</summary>
    public bool IsPublic { get; set; } = true;

    public string Status { get; set; } = SilenceStatuses.UnderSilence;

    public DateTimeOffset CirculatedAt { get; set; }

    public string? CirculatedBy { get; set; }

    /// <summary>The latest version of the proposal's document (<see cref="SilenceFile"/>), 0 while it has none.</summary>
    public int DocumentVersion { get; set; }

    /// <summary>How often the expiry was moved later.</summary>
    public int Extensions { get; set; }

    /// <summary>When the outcome was decided (at the expiry, or the withdrawal).</summary>
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>The States whose objection stood at the expiry, in order (ISO 3166 alpha-3).</summary>
    public List<string> BrokenBy { get; set; } = [];

    /// <summary>The letters this procedure sent to every mission, in order: circulation, extensions, withdrawal, outcome.</summary>
    public List<Guid> Letters { get; set; } = [];

    /// <summary>When every mission was told the outcome (at once for adoption; by the Chair's decision when broken).</summary>
    public DateTimeOffset? AnnouncedAt { get; set; }

    public int Revision { get; set; } = 1;

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>A procedure of the seed letters, loaded as history ("2022-01-18"); null for the others.</summary>
    public string? SeedKey { get; set; }
}

/// <summary>
/// A State's written objection, received through its delegate before the expiry: its letter, the paragraphs
/// it concerns and any amendment. One stands per State at a time; the State may withdraw it before the expiry.
/// </summary>
public sealed class SilenceObjection
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid ProcedureId { get; set; }

    public string State { get; set; } = "";

    public string Letter { get; set; } = "";

    /// <summary>The paragraphs of the proposal it concerns ("3, 5-6"), as the State wrote them; null for the whole text.</summary>
    public string? Paragraphs { get; set; }

    public string? Amendment { get; set; }

    /// <summary>The instant it was received: taken while the procedure's row was held, so it is before the expiry.</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    public string ReceivedFrom { get; set; } = "";

    public DateTimeOffset? WithdrawnAt { get; set; }
}

/// <summary>
/// A file of a silence procedure: a version of the proposal's document (numbered 1, 2, … and each circulated to every mission),
/// or the file of a State's objection (<see cref="ObjectionId"/>, one per objection). Its type is recognised by its content.
/// </summary>
public sealed class SilenceFile
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid ProcedureId { get; set; }

    /// <summary>The objection the file is of; null for a version of the proposal's document.</summary>
    public Guid? ObjectionId { get; set; }

    /// <summary>The document's version; 1 for an objection's file.</summary>
    public int Version { get; set; } = 1;

    public string FileName { get; set; } = "";

    public string ContentType { get; set; } = "";

    public long Size { get; set; }

    public string Sha256 { get; set; } = "";

    public byte[] Content { get; set; } = [];

    public DateTimeOffset UploadedAt { get; set; }

    public string UploadedBy { get; set; } = "";
}
