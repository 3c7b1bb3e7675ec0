namespace PocDirectory.Contracts.PointsOfContact;

/// <summary>What differs between two versions of a point of contact's details, in words people read in a history.</summary>
public static class PocChanges
{
    public static IReadOnlyList<string> Fields(PocDetails before, PocDetails after)
    {
        var changed = new List<string>();
        void Check(bool differs, string field)
        {
            if (differs)
            {
                changed.Add(field);
            }
        }
        Check(before.Type != after.Type, "type");
        Check(before.FullName != after.FullName, "name");
        Check(before.Title != after.Title, "title");
        Check(before.Organization != after.Organization, "organization");
        Check(!string.Equals(before.Email, after.Email, StringComparison.OrdinalIgnoreCase), "e-mail");
        Check(!before.Phones.SequenceEqual(after.Phones), "phones");
        Check(!before.Languages.SequenceEqual(after.Languages), "languages");
        Check(before.TimeZone != after.TimeZone, "time zone");
        Check(before.Availability.Always != after.Availability.Always || !before.Availability.Days.SequenceEqual(after.Availability.Days) ||
              before.Availability.From != after.Availability.From || before.Availability.To != after.Availability.To, "availability");
        Check(before.IsAlternate != after.IsAlternate, "alternate");
        Check(before.PgpKey?.Fingerprint != after.PgpKey?.Fingerprint, "OpenPGP key");
        return changed;
    }

    /// <summary>"Changed: phones, time zone", or "No change".</summary>
    public static string Describe(PocDetails before, PocDetails after) =>
        Fields(before, after) is { Count: > 0 } fields ? "changed " + string.Join(", ", fields) : "no change";
}
