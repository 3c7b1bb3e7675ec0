using System.Globalization;
using Microsoft.EntityFrameworkCore;
using NodaTime.TimeZones;
using PhoneNumbers;
using PocDirectory.BuildingBlocks.Audit;
using PocDirectory.BuildingBlocks.Demo;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.Contracts.Audit;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Nominations.Infrastructure;
using PocDirectory.Nominations.Model;
using PocDirectory.Nominations.Workflow;

namespace PocDirectory.Nominations.Demo;

/// <summary>
/// The invented points of contact of the demo data set: for every State of the copy, a diplomatic and a
/// technical one, then alternates, with invented names, example.org addresses, the numbering plan's
/// example numbers and real (throw-away) OpenPGP keys. They are listed the way an approval lists a
/// nomination, so the Directory and Identity receive the same events as for real ones.
/// </summary>
public sealed class DemoDirectory(NominationsDbContext db, NominationDesk desk, TimeProvider clock)
{
    private static readonly Caller Seeder = new(DemoRoster.Actor, "Demo data set", null, new HashSet<string>(), null, IsMachine: false);

    private static readonly string[] Syllables =
    [
        "ka", "lo", "mi", "na", "ri", "so", "te", "va", "zu", "el", "an", "or", "is", "ba", "de", "fi", "go", "ha", "ju", "ne",
        "pa", "qui", "ro", "sa", "ti", "ul", "ve", "ya", "zo", "mar", "len", "tor", "vin", "dal", "ser", "mon", "kel", "ash",
    ];

    private static readonly string[] OtherLanguages = ["fr", "es", "ar", "ru", "zh", "pt", "de", "sw", "ja", "hi"];

    public async Task<string> SeedAsync(int perState, CancellationToken ct)
    {
        if (perState is < 2 or > 200)
        {
            throw new ArgumentException("--pocs-per-state must be between 2 and 200.");
        }
        var real = await db.Nominations.Where(n => n.CreatedBy != DemoRoster.Actor).Select(n => n.State).FirstOrDefaultAsync(ct);
        if (real is not null)
        {
            throw new InvalidOperationException(
                $"This state folder holds real nominations ({real}, …): the demo data set is only added to a system without real data. Use ./run.sh --demo --reset, or another --state-dir.");
        }
        var states = await db.WaitForCompleteCopyAsync(clock, TimeSpan.FromMinutes(2), ct);
        var already = await db.ListedPocs.CountAsync(ct);
        if (already > 0)
        {
            return $"The demo directory exists already: {already} points of contact.";
        }
        var listed = 0;
        foreach (var state in states)
        {
            var random = new Random(StableSeed(state.Iso3));
            for (var i = 0; i < perState; i++)
            {
                await desk.ListDemoAsync(state.Iso3, state.Iso2, Person(state.Iso3, state.Iso2, state.Name, i, random), Seeder, ct);
                listed++;
            }
            db.AddAuditRecord(ResourceNames.Nominations, "demo.listed", AuditOutcomes.Success,
                actor: DemoRoster.Actor, state: state.Iso3, detail: $"{perState} invented points of contact");
            await db.SaveChangesAsync(ct); // one State at a time: its points of contact and their events together
            db.ChangeTracker.Clear();
        }
        return $"{listed} invented points of contact listed for {states.Count} States; the Directory shows them within seconds.";
    }

    /// <summary>Point of contact <paramref name="index"/> of a State: diplomatic, technical, then alternates of either type.</summary>
    public static NominationInput Person(string iso3, string iso2, string stateName, int index, Random random)
    {
        var technical = index % 2 == 1;
        var given = Name(random, 2);
        var family = Name(random, 3);
        var email = technical && index == 1 && DemoRoster.AccountStates.Contains(iso3)
            ? DemoRoster.PocEmail(iso3)
            : $"{given}.{family}.{iso3}{index + 1}@{DemoRoster.Domain}".ToLowerInvariant();
        var fullName = $"{given} {family}";
        return new NominationInput
        {
            Type = technical ? PocTypes.Technical : PocTypes.Diplomatic,
            FullName = fullName,
            Title = technical
                ? index < 2 ? "Head of Incident Response" : "Duty Officer"
                : index < 2 ? "Counsellor for Cyber Affairs" : "Deputy Director, International Security",
            Organization = technical ? $"National CERT of {stateName} (demo)" : $"Ministry of Foreign Affairs of {stateName} (demo)",
            Email = email,
            Phones = Phones(iso2, technical),
            Languages = ["en", OtherLanguages[random.Next(OtherLanguages.Length)]],
            TimeZone = TimeZoneOf(iso2),
            Availability = technical
                ? new AvailabilityInput(true, null, null, null)
                : new AvailabilityInput(false, ["mon", "tue", "wed", "thu", "fri"], "09:00", "17:00"),
            IsAlternate = index >= 2,
            PgpKey = technical ? OpenPgpKeyMaker.Armored($"{fullName} <{email}>", lifetime: TimeSpan.FromDays(730)) : null,
        };
    }

    private static List<PhoneInput> Phones(string iso2, bool technical)
    {
        var util = PhoneNumberUtil.GetInstance();
        var phones = new List<PhoneInput>();
        if ((util.GetExampleNumberForType(iso2, PhoneNumberType.FIXED_LINE) ?? util.GetExampleNumber(iso2)) is { } office)
        {
            phones.Add(new PhoneInput(util.Format(office, PhoneNumberFormat.E164), "office"));
        }
        // Some numbering plans give one example for both (the same number is listed once).
        if (technical && util.GetExampleNumberForType(iso2, PhoneNumberType.MOBILE) is { } mobile
            && util.Format(mobile, PhoneNumberFormat.E164) is var mobileNumber && phones.All(p => p.Number != mobileNumber))
        {
            phones.Add(new PhoneInput(mobileNumber, "24/7"));
        }
        return phones;
    }

    private static string TimeZoneOf(string iso2) =>
        TzdbDateTimeZoneSource.Default.ZoneLocations?.FirstOrDefault(l => l.CountryCode == iso2)?.ZoneId ?? "Etc/UTC";

    private static string Name(Random random, int syllables)
    {
        var name = string.Concat(Enumerable.Range(0, syllables).Select(_ => Syllables[random.Next(Syllables.Length)]));
        return CultureInfo.InvariantCulture.TextInfo.ToTitleCase(name);
    }

    /// <summary>The same invented people for a State on every run.</summary>
    private static int StableSeed(string iso3) => iso3.Aggregate(17, (hash, c) => unchecked(hash * 31 + c));
}
