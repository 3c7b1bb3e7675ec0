using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using PocDirectory.BuildingBlocks.ReferenceData;
using PocDirectory.BuildingBlocks.Validation;

namespace PocDirectory.Meetings.Missions;

/// <summary>What became of one row of an import.</summary>
public sealed record MissionImportRow(int Line, string? State, string Outcome, IReadOnlyList<string> Errors)
{
    public const string Added = "added";
    public const string Updated = "updated";
    public const string Unchanged = "unchanged";
    public const string Refused = "refused";
}

public sealed record MissionImportReport(int Added, int Updated, int Unchanged, int Refused, IReadOnlyList<MissionImportRow> Rows);

/// <summary>A row that may be applied: its State and its checked name and addresses (a file without a name column keeps the names).</summary>
public sealed record MissionImportLine(int Line, MemberStateCopy State, string? Name, List<string> Emails, bool KeepsName = false);

/// <summary>
/// Reads a CSV of missions: a header with the columns <c>state</c> (ISO alpha-3 or alpha-2),
/// <c>name</c> (may be empty: the usual name) and <c>emails</c> (separated by <c>;</c> or spaces), then a
/// row per mission. Each row is checked on its own: the good ones can be applied, the others are
/// reported with why. A State given twice is refused both times: which one was meant is not known.
/// Without a <c>name</c> column, names are left as they are.
/// </summary>
public static class MissionImport
{
    public const int MaxRows = 1000;


    public static (List<MissionImportLine> Good, List<MissionImportRow> Refused) Read(string csv, IReadOnlyList<MemberStateCopy> states)
    {
        var byCode = states.SelectMany(s => new[] { (s.Iso3, s), (s.Iso2, s) }).ToDictionary(p => p.Item1, p => p.s, StringComparer.OrdinalIgnoreCase);
        var badRows = new HashSet<int>();
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            MissingFieldFound = null,
            // A stray quote: the row is reported, not read as something else.
            BadDataFound = args => badRows.Add(args.Context.Parser!.Row),
            TrimOptions = TrimOptions.Trim,
        };
        using var reader = new CsvReader(new StringReader(csv.TrimStart('\uFEFF')), configuration);
        if (!reader.Read() || !reader.ReadHeader())
        {
            throw new FieldErrorsException(new Dictionary<string, string[]> { ["file"] = ["The file is empty: give a header line (state,name,emails) and a row per mission."] });
        }
        var missing = new[] { "state", "emails" }.Where(c => !reader.HeaderRecord!.Select(h => h.Trim().ToLowerInvariant()).Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new FieldErrorsException(new Dictionary<string, string[]>
            {
                ["file"] = [$"The header has no column {string.Join(" or ", missing)}: it must name the columns state, name and emails."],
            });
        }
        var columns = reader.HeaderRecord!.Length;
        var hasName = reader.HeaderRecord.Any(h => h.Trim().Equals("name", StringComparison.OrdinalIgnoreCase));
        var good = new List<MissionImportLine>();
        var refused = new List<MissionImportRow>();
        var rows = 0;
        while (reader.Read())
        {
            // The line the row starts on (a quoted field may run over several).
            var line = reader.Parser.RawRow - reader.Parser.Record!.Sum(f => f.Count(c => c == '\n'));
            if (++rows > MaxRows)
            {
                throw new FieldErrorsException(new Dictionary<string, string[]> { ["file"] = [$"At most {MaxRows} rows in one file."] });
            }
            var code = reader.GetField("state")?.Trim() ?? "";
            var name = hasName ? reader.GetField("name") : null;
            var emails = (reader.GetField("emails") ?? "").Split([';', ' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (code.Length == 0 && string.IsNullOrWhiteSpace(name) && emails.Length == 0 && reader.Parser.Count <= columns)
            {
                continue; // an empty line
            }
            var errors = new List<string>();
            if (reader.Parser.Count > columns)
            {
                // "FRA,,a@x.org,b@x.org": the second address would be lost. Addresses are separated by ';' (or the field is quoted).
                errors.Add($"The row has {reader.Parser.Count} fields and the header {columns}: separate a mission's addresses with ';'.");
            }
            if (badRows.Contains(reader.Parser.Row) || reader.Parser.Record!.Any(f => f.Contains('\n', StringComparison.Ordinal)))
            {
                errors.Add("A quotation mark is not closed, or a field runs over several lines: check the quotes of this row.");
            }
            if (!byCode.TryGetValue(code, out var state))
            {
                errors.Add($"'{(code.Length > 20 ? code[..20] : code)}' is not the ISO code of a Member State or observer State.");
            }
            (string? Name, List<string> Emails) checkedRow = (null, []);
            try
            {
                checkedRow = new MissionRequest(name, emails).Validate();
            }
            catch (FieldErrorsException ex)
            {
                errors.AddRange(ex.Errors.SelectMany(e => e.Value));
            }
            if (errors.Count > 0)
            {
                refused.Add(new MissionImportRow(line, state?.Iso3 ?? (code.Length > 20 ? code[..20] : code), MissionImportRow.Refused, errors));
            }
            else
            {
                good.Add(new MissionImportLine(line, state!, checkedRow.Name, checkedRow.Emails, KeepsName: !hasName));
            }
        }
        foreach (var twice in good.GroupBy(g => g.State.Iso3).Where(g => g.Count() > 1).ToList())
        {
            foreach (var row in twice)
            {
                good.Remove(row);
                refused.Add(new MissionImportRow(row.Line, row.State.Iso3, MissionImportRow.Refused,
                    [$"{row.State.Name} is on lines {string.Join(" and ", twice.Select(t => t.Line))}: give it once."]));
            }
        }
        return (good, refused.OrderBy(r => r.Line).ToList());
    }
}
