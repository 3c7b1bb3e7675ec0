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

/// <summary>A row that may be applied: its State and its checked name and addresses.</summary>
public sealed record MissionImportLine(int Line, MemberStateCopy State, string? Name, List<string> Emails);

/// <summary>
/// Reads a CSV of missions: a header with the columns <c>state</c> (ISO alpha-3 or alpha-2),
/// <c>name</c> (may be empty: the usual name) and <c>emails</c> (separated by <c>;</c> or spaces), then a
/// row per mission. Each row is checked on its own: the good ones can be applied, the others are
/// reported with why. A State given twice is refused both times: which one was meant is not known.
/// </summary>
public static class MissionImport
{
    public const int MaxRows = 1000;

    public static (List<MissionImportLine> Good, List<MissionImportRow> Refused) Read(string csv, IReadOnlyList<MemberStateCopy> states)
    {
        var byCode = states.SelectMany(s => new[] { (s.Iso3, s), (s.Iso2, s) }).ToDictionary(p => p.Item1, p => p.s, StringComparer.OrdinalIgnoreCase);
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            MissingFieldFound = null,
            BadDataFound = null,
            TrimOptions = TrimOptions.Trim,
            DetectDelimiter = true,
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
        var good = new List<MissionImportLine>();
        var refused = new List<MissionImportRow>();
        var rows = 0;
        while (reader.Read())
        {
            var line = reader.Parser.RawRow;
            if (++rows > MaxRows)
            {
                throw new FieldErrorsException(new Dictionary<string, string[]> { ["file"] = [$"At most {MaxRows} rows in one file."] });
            }
            var code = reader.GetField("state")?.Trim() ?? "";
            var name = reader.TryGetField<string>("name", out var n) ? n : null;
            var emails = (reader.GetField("emails") ?? "").Split([';', ' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (code.Length == 0 && string.IsNullOrWhiteSpace(name) && emails.Length == 0)
            {
                continue; // an empty line
            }
            var errors = new List<string>();
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
                good.Add(new MissionImportLine(line, state!, checkedRow.Name, checkedRow.Emails));
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
