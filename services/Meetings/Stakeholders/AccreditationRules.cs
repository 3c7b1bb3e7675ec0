using System.Globalization;
using System.Net.Mail;
using System.Text;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Meetings.Silence;

namespace PocDirectory.Meetings.Stakeholders;

/// <summary>An application as the public form sends it (multipart: these fields and the letter as a PDF file).</summary>
public sealed class ApplicationForm
{
    public string? Organization { get; set; }
    public string? Website { get; set; }
    public string? Headquarters { get; set; }
    public string? Type { get; set; }
    public bool? Ecosoc { get; set; }
    public string? EcosocReference { get; set; }
    public string? Purpose { get; set; }
    public string? Relevance { get; set; }
    public string? UnInteraction { get; set; }
    public string? ContactName { get; set; }
    public string? ContactEmail { get; set; }
}

/// <summary>The Secretariat's check of an application: complete, or returned with the reason the applicant is told.</summary>
public sealed record CheckRequest(int? Revision, bool? Complete, string? Reason = null);

/// <summary>A round: what it is for, its deadline (New York time) and the checked applications it circulates.</summary>
public sealed record RoundRequest(string? Title, string? DeadlineDate, string? DeadlineTime, IReadOnlyList<Guid>? Applications);

/// <summary>A Member State's objection to one applicant of a round, optionally with its general basis.</summary>
public sealed record AccreditationObjectionRequest(Guid? Application, string? Basis = null);

/// <summary>The checks of an application and of a round: every field error at once.</summary>
public static class AccreditationRules
{
    public const int NameLength = 200;
    public const int TextLength = 5_000;
    public const int WebsiteLength = 300;
    public const int TitleLength = 200;

    /// <summary>The largest letter on letterhead: <c>Meetings:ApplicationLetterMaxBytes</c>, 5 MB by default.</summary>
    public static long LetterMaxBytes(IConfiguration configuration) => configuration.GetValue("Meetings:ApplicationLetterMaxBytes", 5L * 1024 * 1024);

    /// <summary>The shortest period for objections: <c>Meetings:AccreditationMinimumHours</c>, 72 by default.</summary>
    public static TimeSpan Minimum(IConfiguration configuration) =>
        TimeSpan.FromHours(Math.Max(0, configuration.GetValue("Meetings:AccreditationMinimumHours", 72.0)));

    /// <summary>How many applications one contact address may send in a day: <c>Meetings:ApplicationsPerAddressPerDay</c>, 3 by default.</summary>
    public static int PerAddressPerDay(IConfiguration configuration) => configuration.GetValue("Meetings:ApplicationsPerAddressPerDay", 3);

    /// <summary>
    /// An organization's name folded for comparison (letters and digits only, without accents, in lower case), kept as its
    /// SHA-256 so that every script fits the column.
    /// </summary>
    public static string Key(string name) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Folded(name))));

    private static string Folded(string name)
    {
        var folded = new StringBuilder();
        foreach (var c in name.Normalize(NormalizationForm.FormD))
        {
            if (char.IsLetterOrDigit(c))
            {
                folded.Append(char.ToLowerInvariant(c));
            }
        }
        return folded.ToString();
    }

    /// <summary>Checks the form against the States' codes; the values to keep, or every field error.</summary>
    public static StakeholderApplication? Read(ApplicationForm form, IReadOnlySet<string> states, FieldErrors errors)
    {
        string? Text(string field, string? value, int length, bool required, bool lines, string missing) =>
            SilenceRules.Text(errors, field, value, length, required, lines, missing);
        var organization = Text("organization", form.Organization, NameLength, true, false, "Give the organization's name.");
        var website = Text("website", form.Website, WebsiteLength, true, false, "Give the organization's website.");
        if (website is not null && (!Uri.TryCreate(website, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0))
        {
            errors.Add("website", "Give the website's whole address, starting with https://.");
        }
        var headquarters = form.Headquarters?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(headquarters) || !states.Contains(headquarters))
        {
            errors.Add("headquarters", "Choose the country of the organization's headquarters.");
        }
        var type = form.Type?.Trim().ToLowerInvariant();
        if (type is null || !StakeholderTypes.All.Contains(type))
        {
            errors.Add("type", $"Choose the kind of organization: {string.Join(", ", StakeholderTypes.All.Select(StakeholderTypes.DisplayName))}.");
        }
        if (form.Ecosoc is null)
        {
            errors.Add("ecosoc", "Say whether the organization has consultative status with ECOSOC.");
        }
        var reference = Text("ecosocReference", form.EcosocReference, 100, form.Ecosoc == true, false, "Give the reference of the organization's ECOSOC consultative status.");
        var purpose = Text("purpose", form.Purpose, TextLength, true, true, "Describe the organization's purpose and programmes.");
        var relevance = Text("relevance", form.Relevance, TextLength, true, true, "Say how the organization's work is relevant to ICT security.");
        var interaction = Text("unInteraction", form.UnInteraction, TextLength, false, true, "");
        var contact = Text("contactName", form.ContactName, NameLength, true, false, "Give the contact person's name.");
        var email = form.ContactEmail?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > 254 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !email.Contains('.', StringComparison.Ordinal))
        {
            errors.Add("contactEmail", "Give the contact person's e-mail address: a link to confirm it is sent there.");
        }
        return errors.Any ? null : new StakeholderApplication
        {
            Organization = organization!, OrganizationKey = Key(organization!), Website = website!, Headquarters = headquarters!, Type = type!,
            Ecosoc = form.Ecosoc == true, EcosocReference = form.Ecosoc == true ? reference : null, Purpose = purpose!, Relevance = relevance!,
            UnInteraction = interaction, ContactName = contact!, ContactEmail = email!.ToLowerInvariant(), // one address however it is written
        };
    }

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
