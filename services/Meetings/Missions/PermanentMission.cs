using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.BuildingBlocks.Validation;

namespace PocDirectory.Meetings.Missions;

/// <summary>
/// A State's Permanent Mission (or Permanent Observer Mission) to the United Nations in New York: the
/// addressee of the Chair's letters, at its official e-mail addresses. One per State of the reference
/// list, kept by the directory manager; a State without a row has no address yet.
/// </summary>
public sealed class PermanentMission
{
    /// <summary>The State's ISO 3166-1 alpha-3 code.</summary>
    public string State { get; set; } = "";

    public string Name { get; set; } = "";

    public List<string> Emails { get; set; } = [];

    public int Revision { get; set; } = 1;

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The directory manager who made the last change (the account's subject), or the import that did.</summary>
    public string UpdatedBy { get; set; } = "";

    /// <summary>The name the United Nations gives a State's mission in New York ("Permanent Mission of the Niger to the United Nations").</summary>
    public static string DefaultName(MemberStateCopy state) => state.UnStatus == "Observer"
        ? $"Permanent Observer Mission of {InSentence(state.Name)} to the United Nations"
        : $"Permanent Mission of {InSentence(state.Name)} to the United Nations";

    /// <summary>The States whose name takes "the" in a sentence, in the United Nations' terminology.</summary>
    private static readonly HashSet<string> WithArticle = new(StringComparer.Ordinal)
    {
        "Bahamas", "Central African Republic", "Comoros", "Congo", "Democratic People's Republic of Korea", "Democratic Republic of the Congo",
        "Dominican Republic", "Gambia", "Holy See", "Lao People's Democratic Republic", "Maldives", "Marshall Islands", "Niger", "Philippines",
        "Republic of Korea", "Republic of Moldova", "Russian Federation", "State of Palestine", "Sudan", "Syrian Arab Republic",
        "United Arab Emirates", "United Kingdom of Great Britain and Northern Ireland", "United Republic of Tanzania", "United States of America",
    };

    /// <summary>
    /// A State's name as a sentence writes it: "the Niger", and a name the list writes with its form in
    /// brackets in its full form, "Iran (Islamic Republic of)" as "the Islamic Republic of Iran".
    /// </summary>
    public static string InSentence(string name)
    {
        var open = name.IndexOf(" (", StringComparison.Ordinal);
        if (open > 0 && name.EndsWith(')'))
        {
            return $"the {name[(open + 2)..^1]} {name[..open]}";
        }
        return WithArticle.Contains(name) ? "the " + name : name;
    }
}

/// <summary>A mission's name (empty: the usual one) and its official addresses, as the directory manager gives them.</summary>
public sealed record MissionRequest(string? Name, IReadOnlyList<string>? Emails, int? Revision = null)
{
    public const int NameLength = 200;
    public const int MaxEmails = 10;

    /// <summary>The checked name and addresses, or every field error at once.</summary>
    public (string? Name, List<string> Emails) Validate(string prefix = "")
    {
        var errors = new FieldErrors();
        var name = string.IsNullOrWhiteSpace(Name) ? null : Name.Trim();
        if (name is not null && (name.Length > NameLength || name.Any(char.IsControl)))
        {
            errors.Add(prefix + "name", $"Give the mission's name in at most {NameLength} characters, on one line.");
        }
        var emails = (Emails ?? []).Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim()).ToList();
        if (emails.Count == 0)
        {
            errors.Add(prefix + "emails", "Give at least one official e-mail address of the mission: letters go there.");
        }
        else if (emails.Count > MaxEmails)
        {
            errors.Add(prefix + "emails", $"At most {MaxEmails} addresses per mission.");
        }
        foreach (var email in emails.Where(e => !EmailAddresses.IsValid(e)).Take(3))
        {
            errors.Add(prefix + "emails", $"'{(email.Length > 60 ? email[..60] + "…" : email)}' is not an e-mail address.");
        }
        var repeated = emails.GroupBy(e => e, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            errors.Add(prefix + "emails", $"{repeated.Key} is given twice.");
        }
        errors.ThrowIfAny();
        return (name, emails);
    }
}
