using System.Globalization;
using System.Text;
using PocDirectory.Meetings.Schedule;

namespace PocDirectory.Meetings.Letters;

/// <summary>
/// A letter's whole text as the missions receive it, laid out as the Chair's letters are: the date, the
/// salutation, the body, the closing, the signature block, the addressees, the enclosure line, and the
/// annexed schedule made from the meetings themselves (each row: its date in the annex's words, then the
/// meeting), in the order of their time.
/// </summary>
public static class LetterText
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    public static string Compose(Letter letter, IReadOnlyList<Meeting> annex)
    {
        var text = new StringBuilder();
        text.Append(letter.Date.ToString("d MMMM yyyy", English)).Append("\n\n");
        text.Append(letter.Salutation).Append("\n\n");
        text.Append(letter.Body).Append("\n\n");
        text.Append(letter.Closing).Append("\n\n");
        text.Append(letter.Signature).Append("\n\n");
        text.Append(letter.Addressees).Append('\n');
        if (letter.Enclosure is { } enclosure)
        {
            text.Append("\nEnclosure: ").Append(enclosure.StartsWith("Enclosure: ", StringComparison.Ordinal) ? enclosure["Enclosure: ".Length..] : enclosure).Append('\n');
        }
        if (annex.Count > 0)
        {
            text.Append("\n\n").Append($"Annex to Chair’s Letter dated {letter.Date.ToString("d MMMM yyyy", English)}").Append("\n\n");
            text.Append((letter.AnnexTitle ?? "Schedule of meetings").ToUpper(English)).Append("\n\n");
            text.Append("DATE\tMEETING\n");
            foreach (var meeting in annex.OrderBy(m => m.StartsAt).ThenBy(m => m.Title, StringComparer.Ordinal))
            {
                text.Append(meeting.Time.Describe(DateStyle.Annex)).Append('\t').Append(meeting.Title);
                if (meeting.Status is MeetingStatuses.Cancelled or MeetingStatuses.Postponed)
                {
                    text.Append(" (").Append(MeetingStatuses.DisplayName(meeting.Status).ToLower(English)).Append(')');
                }
                text.Append('\n');
            }
        }
        return text.ToString();
    }
}
