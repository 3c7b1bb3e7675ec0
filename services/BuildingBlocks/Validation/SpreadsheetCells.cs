namespace PocDirectory.BuildingBlocks.Validation;

public static class SpreadsheetCells
{
    /// <summary>A value for a CSV cell: one a spreadsheet would read as a formula (=, +, -, @, tab, CR first) is written as text.</summary>
    public static string Safe(string value) =>
        value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
}
