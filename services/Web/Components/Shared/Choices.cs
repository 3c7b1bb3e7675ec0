using System.Globalization;
using NodaTime;
using NodaTime.TimeZones;

namespace PocDirectory.Web.Components.Shared;

/// <summary>
/// The choices people know, with the codes the APIs take underneath: languages by name (the six official languages of
/// the United Nations first), time zones by country and city with their offset now, days of the week as words.
/// </summary>
public static class Choices
{
    public sealed record Choice(string Value, string Text);

    /// <summary>The six official languages of the United Nations, as BCP 47 tags with their names.</summary>
    public static readonly IReadOnlyList<Choice> UnLanguages =
    [
        new("ar", "Arabic"), new("zh", "Chinese"), new("en", "English"), new("fr", "French"), new("ru", "Russian"), new("es", "Spanish"),
    ];

    /// <summary>Every other language with a name of its own (ICU's neutral cultures), by name.</summary>
    public static readonly IReadOnlyList<Choice> OtherLanguages = CultureInfo.GetCultures(CultureTypes.NeutralCultures)
        .Where(c => c.Name.Length is 2 or 3 && !c.EnglishName.Contains("Unknown", StringComparison.Ordinal)
            && !UnLanguages.Any(u => u.Value == c.Name))
        .Select(c => new Choice(c.Name, c.EnglishName))
        .DistinctBy(c => c.Text)
        .OrderBy(c => c.Text, StringComparer.InvariantCulture)
        .ToList();

    /// <summary>A language's name for its tag (<c>fr</c> → French; a regional tag names its region); the tag itself when unknown.</summary>
    public static string LanguageName(string tag)
    {
        if (UnLanguages.FirstOrDefault(u => string.Equals(u.Value, tag, StringComparison.OrdinalIgnoreCase)) is { } un)
        {
            return un.Text;
        }
        try
        {
            var culture = CultureInfo.GetCultureInfo(tag);
            return culture.EnglishName.StartsWith("Unknown", StringComparison.Ordinal) ? tag : culture.EnglishName;
        }
        catch (CultureNotFoundException)
        {
            return tag;
        }
    }

    /// <summary>
    /// The tags a person wrote as languages, separated by commas: a name from the list ("German"), a listed choice as
    /// the list shows it ("German (de)"), or a tag ("de", "zh-Hans"). Anything else is passed on as written, for the
    /// service to say what is wrong with it.
    /// </summary>
    public static IEnumerable<string> LanguageTags(string? written) =>
        // Commas inside parentheses belong to a name: "Chinese (Traditional, Taiwan) (zh-Hant-TW)".
        System.Text.RegularExpressions.Regex.Split(written ?? "", @",(?![^()]*\))").Select(e => e.Trim()).Where(e => e.Length > 0).Select(entry =>
        {
            if (entry.EndsWith(')') && entry.LastIndexOf('(') is > 0 and var open)
            {
                return entry[(open + 1)..^1].Trim();
            }
            return UnLanguages.Concat(OtherLanguages).FirstOrDefault(c => string.Equals(c.Text, entry, StringComparison.OrdinalIgnoreCase))?.Value ?? entry;
        });

    /// <summary>A language as the list of other languages shows it: "German (de)".</summary>
    public static string LanguageEntry(string tag) => LanguageName(tag) is var name && name != tag ? $"{name} ({tag})" : tag;

    /// <summary>The days of the week, as the APIs name them and in words.</summary>
    public static readonly IReadOnlyList<Choice> Days =
    [
        new("mon", "Monday"), new("tue", "Tuesday"), new("wed", "Wednesday"), new("thu", "Thursday"), new("fri", "Friday"),
        new("sat", "Saturday"), new("sun", "Sunday"),
    ];

    /// <summary>
    /// The time zones of the tz database's zone table (one per place that has kept its own clock since 1970), each as
    /// "Country — City (UTC+01:00)" with the offset at <paramref name="now"/>, by country; UTC first.
    /// </summary>
    public static IReadOnlyList<Choice> TimeZones(Instant now)
    {
        var source = TzdbDateTimeZoneSource.Default;
        var zones = source.ZoneLocations!
            .Select(location => (location.ZoneId, location.CountryName, City: City(location.ZoneId)))
            .Select(z => new Choice(z.ZoneId, $"{z.CountryName} — {z.City} ({Offset(source.ForId(z.ZoneId), now)})"))
            .OrderBy(c => c.Text, StringComparer.InvariantCulture)
            .ToList();
        return [new Choice("Etc/UTC", "Coordinated Universal Time (UTC)"), .. zones];
    }

    /// <summary>A zone's place as people write it: America/Argentina/Buenos_Aires → Buenos Aires.</summary>
    public static string City(string zoneId) => zoneId[(zoneId.LastIndexOf('/') + 1)..].Replace('_', ' ');

    private static string Offset(DateTimeZone zone, Instant now)
    {
        var offset = zone.GetUtcOffset(now).ToTimeSpan();
        return "UTC" + (offset < TimeSpan.Zero ? "−" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
    }
}
