namespace PocDirectory.AppHost.Hosting;

/// <summary>
/// One resource's output: appended to <c>{name}.log</c> across restarts, and echoed to the console
/// prefixed with the resource's name in its own colour.
/// </summary>
public sealed class ResourceLog : IDisposable
{
    private static readonly ConsoleColor[] Palette =
    [
        ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Yellow, ConsoleColor.Magenta, ConsoleColor.Blue,
        ConsoleColor.DarkCyan, ConsoleColor.DarkGreen, ConsoleColor.DarkYellow, ConsoleColor.DarkMagenta, ConsoleColor.Red,
    ];

    private readonly string _name;
    private readonly bool _echo;
    private readonly ConsoleColor _color;
    private readonly StreamWriter _file;
    private readonly Queue<string> _tail = new();
    private bool _closed;

    public ResourceLog(string name, string directory, bool echo)
    {
        _name = name;
        _echo = echo;
        _color = Palette[(int)((uint)StableHash(name) % Palette.Length)];
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, name + ".log");
        _file = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public string Path { get; }

    public void Write(string line)
    {
        lock (_tail)
        {
            // Output pumps may deliver a last line after the resource was disposed.
            if (_closed)
            {
                return;
            }
            try
            {
                _file.WriteLine(line);
            }
            catch (IOException)
            {
                // A full disk must not take the AppHost down from inside an output pump.
            }
            _tail.Enqueue(line);
            if (_tail.Count > 30)
            {
                _tail.Dequeue();
            }
        }
        if (!_echo)
        {
            return;
        }
        Terminal.WriteLine(line, $"[{_name}] ", _color);
    }

    /// <summary>The last lines written, for error messages.</summary>
    public string Tail()
    {
        lock (_tail)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    public void Dispose()
    {
        lock (_tail)
        {
            _closed = true;
            _file.Dispose();
        }
    }

    private static int StableHash(string value)
    {
        var hash = 17;
        foreach (var c in value)
        {
            hash = unchecked(hash * 31 + c);
        }
        return hash;
    }
}
