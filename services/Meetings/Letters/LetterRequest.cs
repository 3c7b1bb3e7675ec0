using System.Globalization;
using PocDirectory.BuildingBlocks.Validation;

namespace PocDirectory.Meetings.Letters;

/// <summary>A letter as the Chair's office writes it; empty parts take the usual wording. A change names the revision it was made from.</summary>
public sealed record LetterRequest(
    string? Date, string? Subject, string? Body, string? Salutation = null, string? Closing = null, string? Signature = null,
    string? Addressees = null, string? Enclosure = null, IReadOnlyList<Guid>? AnnexMeetings = null, string? AnnexTitle = null,
    bool? IsPublic = null, int? Revision = null)
{
    public const int SubjectLength = 300;
    public const int BodyLength = 20_000;
    public const int PartLength = 1_000;
    public const int MaxAnnexMeetings = 100;

    /// <summary>Applies the request to <paramref name="letter"/>, or throws every field error at once (nothing changed then).</summary>
    /// <param name="knownMeetings">The annex's meetings that exist, each with whether it is public (a public letter shows only public ones).</param>
    public void ApplyTo(Letter letter, bool isNew, IReadOnlyDictionary<Guid, bool> knownMeetings)
    {
        var errors = new FieldErrors();
        string? Part(string field, string? value, int length, bool required, bool lines)
        {
            var text = string.IsNullOrWhiteSpace(value) ? null : value.Trim().ReplaceLineEndings("\n");
            if (text is null)
            {
                if (required)
                {
                    errors.Add(field, $"Write the letter's {field}.");
                }
                return null;
            }
            if (text.Length > length)
            {
                errors.Add(field, $"The {field} is {text.Length} characters long; at most {length} fit.");
            }
            if (text.Any(c => char.IsControl(c) && !(lines && c is '\n' or '\t')))
            {
                errors.Add(field, lines ? "Remove the control characters: only line breaks and tabs are kept." : "Write it on one line, without control characters.");
            }
            return text;
        }
        DateOnly date = default;
        if (string.IsNullOrWhiteSpace(Date)
            || !DateOnly.TryParseExact(Date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date) || date.Year is < 2000 or > 2100)
        {
            errors.Add("date", "Give the letter's date, as YYYY-MM-DD.");
        }
        var subject = Part("subject", Subject, SubjectLength, required: true, lines: false);
        var body = Part("body", Body, BodyLength, required: true, lines: true);
        var salutation = Part("salutation", Salutation, 200, required: false, lines: false);
        var closing = Part("closing", Closing, PartLength, required: false, lines: true);
        var signature = Part("signature", Signature, PartLength, required: false, lines: true);
        var addressees = Part("addressees", Addressees, PartLength, required: false, lines: true);
        var enclosure = Part("enclosure", Enclosure, PartLength, required: false, lines: false);
        var annexTitle = Part("annexTitle", AnnexTitle, 200, required: false, lines: false);
        var annex = (AnnexMeetings ?? []).Distinct().ToList();
        if (annex.Count > MaxAnnexMeetings)
        {
            errors.Add("annexMeetings", $"At most {MaxAnnexMeetings} meetings in an annex.");
        }
        else if (annex.Cast<Guid?>().FirstOrDefault(id => !knownMeetings.ContainsKey(id!.Value)) is { } unknown)
        {
            errors.Add("annexMeetings", $"No meeting {unknown}.");
        }
        else if (IsPublic == true && annex.Any(id => !knownMeetings[id]))
        {
            errors.Add("annexMeetings", "A public letter shows its annex to everyone: take out the meetings that are not on the public schedule, or make the letter not public.");
        }
        if (!isNew && Revision is null)
        {
            errors.Add("revision", "Give the revision of the letter you changed, so that nobody else's change is lost.");
        }
        errors.ThrowIfAny();

        letter.Date = date;
        letter.Subject = subject!;
        letter.Body = body!;
        letter.Salutation = salutation ?? Letter.DefaultSalutation;
        letter.Closing = closing ?? Letter.DefaultClosing;
        letter.Signature = signature ?? Letter.DefaultSignature;
        letter.Addressees = addressees ?? Letter.DefaultAddressees;
        letter.Enclosure = enclosure ?? (annex.Count > 0 ? $"Annex: {annexTitle ?? "Schedule of meetings"}" : null);
        letter.AnnexMeetings = annex;
        letter.AnnexTitle = annex.Count > 0 ? annexTitle ?? "Schedule of meetings" : null;
        letter.IsPublic = IsPublic == true;
    }
}
