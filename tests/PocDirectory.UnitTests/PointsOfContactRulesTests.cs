using System.Text;
using PocDirectory.BuildingBlocks.Validation;
using PocDirectory.Contracts.PointsOfContact;
using PocDirectory.Directory.Apis;
using PocDirectory.Directory.PointsOfContact;
using PocDirectory.Nominations.Model;

namespace PocDirectory.UnitTests;

public sealed class PointsOfContactRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static NominationInput Valid(string type = "technical", string? key = null) => new()
    {
        Type = type,
        FullName = "Camille Exemple",
        Title = "Head of incident response",
        Organization = "CERT-FR (fictitious)",
        Email = "camille@example.org",
        Phones = [new PhoneInput("01 44 18 00 00", "office"), new PhoneInput("+33 6 12 34 56 78", "mobile")],
        Languages = ["fr", "EN", "zh-hans-cn"],
        TimeZone = "Europe/Paris",
        Availability = new AvailabilityInput(false, ["mon", "tue", "FRI"], "09:00", "17:30"),
        PgpKey = type == "technical" ? key ?? OpenPgpKeyMaker.Armored("Camille <camille@example.org>") : null,
    };

    private static IDictionary<string, string[]> ErrorsOf(NominationInput input)
    {
        var ex = Assert.Throws<FieldErrorsException>(() => PocDetailsValidator.Validate(input, "FR", Now));
        return ex.Errors;
    }

    [Fact]
    public void A_valid_nomination_is_normalized_phones_to_E164_languages_to_canonical_tags_days_in_week_order()
    {
        var details = PocDetailsValidator.Validate(Valid(), "FR", Now);
        Assert.Equal(["+33144180000", "+33612345678"], details.Phones.Select(p => p.Number));
        Assert.Equal(["fr", "en", "zh-Hans-CN"], details.Languages);
        Assert.Equal(["mon", "tue", "fri"], details.Availability.Days);
        Assert.NotNull(details.PgpKey);
        Assert.Matches("^[0-9A-F]{40}$", details.PgpKey!.Fingerprint);
    }

    [Fact]
    public void Every_bad_field_is_named_in_the_errors()
    {
        var errors = ErrorsOf(Valid() with
        {
            Type = "military",
            FullName = " ",
            Email = "not an address",
            Phones = [new PhoneInput("12", "office"), new PhoneInput("+33 1 44 18 00 00", "pager")],
            Languages = ["klingon-xx-yy"],
            TimeZone = "Mars/Olympus",
            Availability = new AvailabilityInput(false, [], "18:00", "09:00"),
            PgpKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nbroken\n-----END PGP PUBLIC KEY BLOCK-----",
        });
        foreach (var field in new[] { "type", "fullName", "email", "phones[0].number", "phones[1].kind", "languages", "timeZone", "availability.days", "availability.to", "pgpKey" })
        {
            Assert.True(errors.ContainsKey(field), $"no error for {field}: {string.Join(", ", errors.Keys)}");
        }
    }

    [Fact]
    public void A_technical_point_of_contact_needs_a_key_that_has_not_expired()
    {
        Assert.Contains("pgpKey", ErrorsOf(Valid() with { PgpKey = null }).Keys);
        var expired = OpenPgpKeyMaker.Armored("Old <old@example.org>", DateTime.UtcNow.AddDays(-30), TimeSpan.FromDays(10));
        Assert.Contains("expired", ErrorsOf(Valid(key: expired))["pgpKey"][0]);
        var valid = OpenPgpKeyMaker.Armored("New <new@example.org>", DateTime.UtcNow.AddDays(-1), TimeSpan.FromDays(365));
        Assert.NotNull(PocDetailsValidator.Validate(Valid(key: valid), "FR", Now).PgpKey!.ExpiresAt);
        // A diplomatic point of contact may go without one.
        Assert.Null(PocDetailsValidator.Validate(Valid("diplomatic"), "FR", Now).PgpKey);
    }

    [Theory]
    [InlineData("+1 202 55", "US", false)] // too short
    [InlineData("+41 22 917 12 34", "FR", true)]
    [InlineData("022 917 12 34", "CH", true)]
    [InlineData("call me", "FR", false)]
    public void Phones_are_checked_with_libphonenumber(string number, string region, bool valid) =>
        Assert.Equal(valid, PocDetailsValidator.TryPhone(number, region, out _));

    [Fact]
    public void Changes_between_versions_are_named()
    {
        var before = PocDetailsValidator.Validate(Valid(), "FR", Now);
        var after = before with { TimeZone = "Europe/Berlin", Phones = [before.Phones[0]] };
        Assert.Equal(["phones", "time zone"], PocChanges.Fields(before, after));
        Assert.Equal("no change", PocChanges.Describe(before, before with { }));
    }

    private static ListedEntry Entry(string name, string state = "FRA", string group = "WesternEuropeanAndOthers", string type = "technical", bool always = false, string[]? languages = null)
    {
        var details = PocDetailsValidator.Validate(Valid(type) with { FullName = name, Languages = languages ?? ["fr"], Availability = always ? new AvailabilityInput(true, null, null, null) : Valid().Availability }, "FR", Now);
        return new ListedEntry(Guid.NewGuid(), state, state == "FRA" ? "France" : "Kenya", group, 1, details, Now, Now, null, 1);
    }

    [Fact]
    public void A_vCard_escapes_text_folds_long_lines_on_character_boundaries_and_carries_the_key()
    {
        var entry = Entry("Zoë; \"Al,pha\" \\ Ωmega " + new string('é', 60));
        var output = new StringBuilder();
        VCardWriter.Write(output, entry);
        var text = output.ToString();
        Assert.StartsWith("BEGIN:VCARD\r\nVERSION:4.0\r\n", text);
        Assert.EndsWith("END:VCARD\r\n", text);
        Assert.Contains("FN:Zoë\\; \"Al\\,pha\" \\\\ Ωmega", text);
        foreach (var line in text.Split("\r\n"))
        {
            Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, $"line longer than 75 octets: {line}");
        }
        var unfolded = text.Replace("\r\n ", "");
        Assert.Contains("FN:Zoë\\; \"Al\\,pha\" \\\\ Ωmega " + new string('é', 60) + "\r\n", unfolded);
        Assert.Contains("TEL;VALUE=uri;TYPE=\"work,voice\":tel:+33144180000", unfolded);
        var key = System.Text.RegularExpressions.Regex.Match(unfolded, "KEY;MEDIATYPE=application/pgp-keys:data:application/pgp-keys;base64,([A-Za-z0-9+/=]+)\r\n");
        Assert.True(key.Success);
        Assert.Equal(entry.Details.PgpKey!.Armored, Encoding.ASCII.GetString(Convert.FromBase64String(key.Groups[1].Value)));
    }

    [Fact]
    public void A_CSV_export_quotes_what_needs_it_and_defuses_formulas()
    {
        var csv = PointsOfContactApi.Csv([Entry("=HYPERLINK(\"http://evil\")"), Entry("Line, \"quoted\"")]);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\")\"", csv);
        Assert.Contains("\"Line, \"\"quoted\"\"\"", csv);
        Assert.Contains("+33144180000 (office)", csv);
    }

    [Fact]
    public void Search_matches_words_regardless_of_case_and_accents_and_combines_filters()
    {
        var snapshot = TestSnapshot(
            Entry("Émilie Durand"),
            Entry("Wanjiru Kamau", "KEN", "African", "diplomatic", always: true, languages: ["en", "sw"]),
            Entry("Jean Martin", languages: ["fr-CA"]));
        Assert.Equal(["Émilie Durand"], Search(snapshot, words: ["emilie"]));
        Assert.Equal(["Wanjiru Kamau"], Search(snapshot, group: "African"));
        Assert.Equal(["Wanjiru Kamau"], Search(snapshot, always: true));
        Assert.Equal(["Émilie Durand", "Jean Martin"], Search(snapshot, language: "fr"));
        Assert.Empty(Search(snapshot, words: ["emilie", "kamau"]));
        Assert.Equal(["FRA", "KEN"], snapshot.Participating.Order());
    }

    [Fact]
    public void A_page_of_a_search_counts_every_match_and_holds_its_own_part_in_order()
    {
        var entries = Enumerable.Range(0, 30).Select(i => i % 3 == 0
            ? Entry($"Kenyan {i:00}", "KEN", "African", i % 2 == 0 ? "technical" : "diplomatic")
            : Entry($"French {i:00}")).ToArray();
        var snapshot = TestSnapshot(entries);
        foreach (var query in new[]
        {
            new DirectoryQuery([], null, null, null, null, null, null),
            new DirectoryQuery([], "KEN", null, null, null, null, null),
            new DirectoryQuery([], null, "African", "technical", null, null, null),
            new DirectoryQuery(["french"], "FRA", "African", null, null, null, null), // a State outside the group: nothing
            new DirectoryQuery([], "DEU", null, null, null, null, null),
        })
        {
            var all = snapshot.Search(query).ToList();
            foreach (var (page, size) in new[] { (1, 4), (2, 4), (3, 7), (50, 10) })
            {
                var (total, items) = snapshot.SearchPage(query, page, size);
                Assert.Equal(all.Count, total);
                Assert.Equal(all.Skip((page - 1) * size).Take(size), items);
            }
        }
        Assert.Equal(10, snapshot.SearchPage(new DirectoryQuery([], "KEN", null, null, null, null, null), 1, 100).Total);
        Assert.Equal(5, snapshot.SearchPage(new DirectoryQuery([], null, "African", "technical", null, null, null), 1, 100).Total);
        Assert.Equal(0, snapshot.SearchPage(new DirectoryQuery(["french"], "FRA", "African", null, null, null, null), 1, 100).Total);
        Assert.Equal(["FRA", "KEN"], snapshot.ParticipatingInOrder);

        // An answer is made once per snapshot and question; equal queries are the same question.
        var made = 0;
        byte[] Make() => [(byte)++made];
        var question = new DirectoryQuery(["a"], "KEN", null, null, "FR", true, null).Key;
        Assert.Equal(new DirectoryQuery(["a"], "KEN", null, null, "fr", true, null).Key, question);
        Assert.NotEqual(new DirectoryQuery(["a", "KEN"], null, null, null, "fr", true, null).Key, question);
        Assert.Equal([1], snapshot.Answer(question, Make));
        Assert.Equal([1], snapshot.Answer(question, Make));
        Assert.Equal([2], snapshot.Answer(question + "|2", Make));
        Assert.Equal([3], TestSnapshot(entries).Answer(question, Make)); // a new snapshot answers anew
    }

    [Fact]
    public void Only_the_directory_manager_and_participating_States_people_and_machines_read_the_directory()
    {
        var snapshot = TestSnapshot(Entry("Someone"));
        Caller Person(string role, string? state) => new("s", "n", null, new HashSet<string> { role }, state, false);
        Assert.True(DirectoryAccess.MayRead(Person(Roles.DirectoryManager, null), snapshot));
        Assert.True(DirectoryAccess.MayRead(Person(Roles.PointOfContact, "FRA"), snapshot));
        Assert.True(DirectoryAccess.MayRead(Person(Roles.FocalPoint, "FRA"), snapshot));
        Assert.True(DirectoryAccess.MayRead(new Caller("m", "m", null, new HashSet<string>(), "FRA", true), snapshot));
        Assert.False(DirectoryAccess.MayRead(Person(Roles.FocalPoint, "DEU"), snapshot));
        Assert.False(DirectoryAccess.MayRead(Person(Roles.Operations, "FRA"), snapshot));
        Assert.False(DirectoryAccess.MayRead(Person(Roles.ChairOffice, null), snapshot));
        Assert.False(DirectoryAccess.MayRead(new Caller("m", "m", null, new HashSet<string>(), "DEU", true), snapshot));
    }

    private static IReadOnlyList<string> Search(DirectorySnapshot snapshot, string[]? words = null, string? group = null, bool? always = null, string? language = null) =>
        snapshot.Search(new DirectoryQuery(words ?? [], null, group, null, language, always, null)).Select(e => e.Details.FullName).ToList();

    private static DirectorySnapshot TestSnapshot(params ListedEntry[] entries) => DirectorySnapshot.For(entries);
}
