namespace PocDirectory.Meetings.Documents;

/// <summary>What a meeting's document is, in the words of the Chair's letters.</summary>
public static class DocumentKinds
{
    public const string Agenda = "agenda";
    public const string BackgroundPaper = "background-paper";
    public const string ElementsPaper = "elements-paper";
    public const string Statement = "statement";
    public const string Summary = "chair-summary";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [Agenda, BackgroundPaper, ElementsPaper, Statement, Summary, Other];

    public static string DisplayName(string kind) => kind switch
    {
        Agenda => "Agenda",
        BackgroundPaper => "Background paper",
        ElementsPaper => "Elements paper",
        Statement => "Statement",
        Summary => "Chair's summary",
        _ => "Document",
    };
}

/// <summary>
/// A document of a meeting (agenda, background paper, statements…): public, as on the OEWG's web page, or
/// for signed-in people only. Its file is replaced by uploading a new version; every version is kept.
/// </summary>
public sealed class MeetingDocument
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid MeetingId { get; set; }

    public string Kind { get; set; } = DocumentKinds.Other;

    public string Title { get; set; } = "";

    /// <summary>Shown to everyone when its meeting is public; otherwise to signed-in people only.</summary>
    public bool IsPublic { get; set; }

    public int LatestVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One uploaded file of a document: checked for its type and size, with its SHA-256.</summary>
public sealed class DocumentVersion
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid DocumentId { get; set; }

    public int Version { get; set; }

    public string FileName { get; set; } = "";

    public string ContentType { get; set; } = "";

    public long Size { get; set; }

    public string Sha256 { get; set; } = "";

    public byte[] Content { get; set; } = [];

    public DateTimeOffset UploadedAt { get; set; }

    /// <summary>The account (subject) that uploaded it.</summary>
    public string UploadedBy { get; set; } = "";
}
