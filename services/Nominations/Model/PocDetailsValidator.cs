using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;
using PhoneNumbers;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.PointsOfContact;

namespace PocDirectory.Nominations.Model;

/// <summary>
/// Checks a nomination field by field and normalizes it: phones to E.164 (libphonenumber, numbers
/// without a country code read as the nominating State's), languages to BCP 47 tags of known
/// languages, time zones against the IANA database (NodaTime's copy), the OpenPGP key with
/// BouncyCastle. Every problem is reported under its field's name.
/// </summary>
public static partial class PocDetailsValidator
{
    public const int MaxTextLength = 200;
    public const int MaxPhones = 5;
    public const int MaxLanguages = 10;

    /// <summary>The six official languages of the United Nations, offered first.</summary>
    public static readonly IReadOnlyList<string> UnLanguages = ["ar", "zh", "en", "fr", "ru", "es"];

    public static readonly IReadOnlyList<string> PhoneKinds = ["office", "mobile", "24/7"];

    public static readonly IReadOnlyList<string> Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public static PocDetails Validate(NominationInput input, string stateIso2, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        var type = input.Type?.Trim().ToLowerInvariant() ?? "";
        if (!PocTypes.All.Contains(type))
        {
            errors.Add("type", "Choose diplomatic or technical.");
        }
        var fullName = Text(input.FullName, "fullName", "the person's full name", errors);
        var title = Text(input.Title, "title", "the title or position", errors);
        var organization = Text(input.Organization, "organization", "the organization", errors);

        var email = input.Email?.Trim() ?? "";
        if (!EmailAddresses.IsValid(email))
        {
            errors.Add("email", "Enter an e-mail address such as name@example.org.");
        }

        var phones = new List<PocPhone>();
        var phoneInputs = input.Phones?.Where(p => !string.IsNullOrWhiteSpace(p?.Number)).ToList() ?? [];
        if (phoneInputs.Count == 0)
        {
            errors.Add("phones", "Enter at least one telephone number.");
        }
        else if (phoneInputs.Count > MaxPhones)
        {
            errors.Add("phones", $"Enter at most {MaxPhones} telephone numbers.");
        }
        for (var i = 0; i < Math.Min(phoneInputs.Count, MaxPhones); i++)
        {
            var phone = phoneInputs[i]!;
            var kind = string.IsNullOrWhiteSpace(phone.Kind) ? "office" : phone.Kind.Trim().ToLowerInvariant();
            if (!PhoneKinds.Contains(kind))
            {
                errors.Add($"phones[{i}].kind", $"Choose one of: {string.Join(", ", PhoneKinds)}.");
            }
            if (TryPhone(phone.Number!, stateIso2, out var e164))
            {
                if (phones.Any(p => p.Number == e164))
                {
                    errors.Add($"phones[{i}].number", "This number is already listed.");
                }
                phones.Add(new PocPhone(e164, kind));
            }
            else
            {
                errors.Add($"phones[{i}].number", $"'{Shorten(phone.Number!)}' is not a valid telephone number. Write it with its country code, e.g. +41 22 917 1234.");
            }
        }

        var languages = new List<string>();
        var languageInputs = input.Languages?.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).ToList() ?? [];
        if (languageInputs.Count == 0)
        {
            errors.Add("languages", "Choose at least one language the person works in.");
        }
        else if (languageInputs.Count > MaxLanguages)
        {
            errors.Add("languages", $"Choose at most {MaxLanguages} languages.");
        }
        foreach (var language in languageInputs.Take(MaxLanguages))
        {
            if (TryLanguage(language, out var tag))
            {
                if (!languages.Contains(tag, StringComparer.OrdinalIgnoreCase))
                {
                    languages.Add(tag);
                }
            }
            else
            {
                errors.Add("languages", $"'{Shorten(language)}' is not a BCP 47 language tag such as en, fr or zh-Hans.");
            }
        }

        var timeZone = input.TimeZone?.Trim() ?? "";
        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(timeZone) is null || timeZone.Length == 0)
        {
            errors.Add("timeZone", "Choose an IANA time zone such as Europe/Paris or America/New_York.");
        }

        var availability = Availability(input.Availability, errors);

        PocPgpKey? key = null;
        var armored = input.PgpKey?.Trim();
        if (type == PocTypes.Technical && string.IsNullOrEmpty(armored))
        {
            errors.Add("pgpKey", "A technical point of contact needs an OpenPGP public key, so that others can write to them encrypted.");
        }
        else if (!string.IsNullOrEmpty(armored))
        {
            (key, var problem) = OpenPgpKeys.Parse(armored, now);
            if (problem is not null)
            {
                errors.Add("pgpKey", problem);
            }
        }

        errors.ThrowIfAny();
        return new PocDetails
        {
            Type = type,
            FullName = fullName,
            Title = title,
            Organization = organization,
            Email = email,
            Phones = phones,
            Languages = languages,
            TimeZone = timeZone,
            Availability = availability!,
            IsAlternate = input.IsAlternate,
            PgpKey = key,
        };
    }

    /// <summary>A number in E.164, read with the State's country code when it has none.</summary>
    public static bool TryPhone(string number, string defaultRegion, out string e164)
    {
        e164 = "";
        if (number.Length > 40)
        {
            return false;
        }
        try
        {
            var parsed = Phones.Parse(number, defaultRegion);
            if (!Phones.IsValidNumber(parsed))
            {
                return false;
            }
            e164 = Phones.Format(parsed, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    /// <summary>
    /// A well-formed BCP 47 tag (language, optional script, optional region) whose language is one
    /// the platform knows, in canonical case: <c>zh-hans-cn</c> → <c>zh-Hans-CN</c>.
    /// </summary>
    public static bool TryLanguage(string value, out string tag)
    {
        tag = "";
        var match = LanguageTag().Match(value);
        if (!match.Success)
        {
            return false;
        }
        var language = match.Groups["language"].Value.ToLowerInvariant();
        var script = match.Groups["script"].Success ? char.ToUpperInvariant(match.Groups["script"].Value[0]) + match.Groups["script"].Value[1..].ToLowerInvariant() : null;
        var region = match.Groups["region"].Success ? match.Groups["region"].Value.ToUpperInvariant() : null;
        try
        {
            var culture = CultureInfo.GetCultureInfo(language, predefinedOnly: true);
            if (culture.TwoLetterISOLanguageName != language && culture.ThreeLetterISOLanguageName != language)
            {
                return false;
            }
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
        tag = string.Join('-', new[] { language, script, region }.Where(p => p is not null));
        return true;
    }

    /// <summary>The English name of a tag, for pages: <c>fr</c> → French.</summary>
    public static string LanguageName(string tag)
    {
        try
        {
            return CultureInfo.GetCultureInfo(tag).EnglishName;
        }
        catch (CultureNotFoundException)
        {
            return tag;
        }
    }

    private static PocAvailability? Availability(AvailabilityInput? input, FieldErrors errors)
    {
        if (input is null)
        {
            errors.Add("availability", "Say whether the person is reachable 24/7 or during office hours.");
            return null;
        }
        if (input.Always)
        {
            return new PocAvailability(true, [], null, null);
        }
        var days = input.Days?.Select(d => d.Trim().ToLowerInvariant()).Distinct().ToList() ?? [];
        if (days.Count == 0 || days.Any(d => !Days.Contains(d)))
        {
            errors.Add("availability.days", "Choose the days of office hours (mon to sun).");
        }
        var from = TimeOnly.TryParseExact(input.From?.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var f) ? f : (TimeOnly?)null;
        var to = TimeOnly.TryParseExact(input.To?.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : (TimeOnly?)null;
        if (from is null)
        {
            errors.Add("availability.from", "Enter the start of office hours as HH:mm, e.g. 09:00.");
        }
        if (to is null)
        {
            errors.Add("availability.to", "Enter the end of office hours as HH:mm, e.g. 17:30.");
        }
        else if (from is not null && to <= from)
        {
            errors.Add("availability.to", "Office hours must end after they start.");
        }
        return new PocAvailability(false, Days.Where(days.Contains).ToList(), from?.ToString("HH:mm", CultureInfo.InvariantCulture), to?.ToString("HH:mm", CultureInfo.InvariantCulture));
    }

    private static string Text(string? value, string field, string what, FieldErrors errors)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            errors.Add(field, $"Enter {what}.");
        }
        else if (text.Length > MaxTextLength)
        {
            errors.Add(field, $"Enter {what} in at most {MaxTextLength} characters.");
        }
        else if (text.Any(char.IsControl))
        {
            errors.Add(field, "Remove line breaks and control characters.");
        }
        return text;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex(@"^(?<language>[A-Za-z]{2,3})(-(?<script>[A-Za-z]{4}))?(-(?<region>[A-Za-z]{2}|[0-9]{3}))?$")]
    private static partial Regex LanguageTag();
}
