namespace PocDirectory.AppHost;

/// <summary>
/// The AppHost's console, written line by line from many threads. Once the terminal is gone (the
/// window was closed: SIGHUP, then writes fail), output goes to the log files only and whatever was
/// under way — above all the orderly stop — goes on.
/// </summary>
internal static class Terminal
{
    private static readonly object Lock = new();
    private static volatile bool _gone;

    /// <summary>Writes one line, the prefix in <paramref name="color"/> when the output is a terminal.</summary>
    public static void WriteLine(string line, string? prefix = null, ConsoleColor? color = null, bool error = false)
    {
        if (_gone)
        {
            return;
        }
        lock (Lock)
        {
            try
            {
                var writer = error ? Console.Error : Console.Out;
                if (prefix is not null)
                {
                    var colored = color is not null && !(error ? Console.IsErrorRedirected : Console.IsOutputRedirected);
                    if (colored)
                    {
                        Console.ForegroundColor = color!.Value;
                    }
                    writer.Write(prefix);
                    if (colored)
                    {
                        Console.ResetColor();
                    }
                }
                writer.WriteLine(line);
            }
            catch (IOException)
            {
                _gone = true;
            }
        }
    }
}
