using System.Globalization;
using PhoneNumbers;
using PocDirectory.Web.Services;

namespace PocDirectory.Web.Components.Shared;

/// <summary>What the APIs say in codes, in the words a person reads: types, phone numbers, days and hours, languages.</summary>
public static class Words
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>"technical" → Technical.</summary>
    public static string PocType(string? type) => type switch
    {
        "technical" => "Technical",
        "diplomatic" => "Diplomatic",
        null => "",
        _ => type,
    };

    /// <summary>A number as it is read and dialled from abroad: +33144180000 → +33 1 44 18 00 00 (as stored when it cannot be read).</summary>
    public static string Phone(string number)
    {
        try
        {
            return Phones.Format(Phones.Parse(number, null), PhoneNumberFormat.INTERNATIONAL);
        }
        catch (NumberParseException)
        {
            return number;
        }
    }

    /// <summary>"office" → office; "24/7" → 24/7 line; "mobile" → mobile.</summary>
    public static string PhoneKind(string kind) => kind == "24/7" ? "24/7 line" : kind;

    /// <summary>Languages by name, in the order given: ["ar", "fr"] → Arabic, French.</summary>
    public static string Languages(IEnumerable<string> tags) => string.Join(", ", tags.Select(Choices.LanguageName));

    /// <summary>A time zone as people read it: Europe/Paris → Paris (Europe/Paris).</summary>
    public static string TimeZone(string zone) => zone.Contains('/') ? $"{Choices.City(zone)} ({zone})" : zone;

    /// <summary>"Reachable 24/7", or "Monday to Friday, 09:00–17:30 local time".</summary>
    public static string Availability(PocAvailability availability)
    {
        if (availability.Always)
        {
            return "Reachable 24/7";
        }
        var indexes = availability.Days.Select(d => Choices.Days.ToList().FindIndex(c => c.Value == d)).Where(i => i >= 0).Order().ToList();
        var consecutive = indexes.Count > 2 && indexes[^1] - indexes[0] == indexes.Count - 1;
        var days = consecutive
            ? $"{Choices.Days[indexes[0]].Text} to {Choices.Days[indexes[^1]].Text}"
            : string.Join(", ", indexes.Select(i => Choices.Days[i].Text));
        return $"{days}, {availability.From}–{availability.To} local time";
    }

    /// <summary>A date as people read it: 7 December 2026.</summary>
    public static string Date(DateTimeOffset at) => at.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
