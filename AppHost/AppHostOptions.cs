using System.Reflection;

namespace PocDirectory.AppHost;

/// <summary>The AppHost's command line.</summary>
public sealed record AppHostOptions
{
    public required string RepositoryRoot { get; init; }

    /// <summary><c>--state-dir PATH</c>; default <c>.pocdir/</c> at the repository root.</summary>
    public required string StateDirectory { get; init; }

    /// <summary><c>--reset</c>: wipe the state folder (data and logs) first.</summary>
    public bool Reset { get; init; }

    /// <summary><c>--isolated</c>: free ports for everything, so a private system runs beside another.</summary>
    public bool Isolated { get; init; }

    /// <summary><c>--configuration</c>: which build output of the services to run.</summary>
    public required string Configuration { get; init; }

    /// <summary>False with <c>--no-console-logs</c>: resource output goes only to the log files.</summary>
    public bool EchoToConsole { get; init; } = true;

    /// <summary><c>--demo</c>: once everything runs, add the invented demo data set (refused where real data exists).</summary>
    public bool Demo { get; init; }

    /// <summary><c>--demo-pocs-per-state N</c>: how many invented points of contact each State gets (default 2).</summary>
    public int DemoPocsPerState { get; init; } = 2;

    /// <summary><c>--replicas N</c>: how many processes of each service, of the gateway and of the Web (Aspire's replicas, 1 to 8; default 1).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary><c>--broker-nodes N</c>: RabbitMQ as one node (default) or a cluster of 3 on loopback, whose queues are quorum queues.</summary>
    public int BrokerNodes { get; init; } = 1;

    /// <summary>Aspire's own options, passed through: <c>--publisher manifest --output-path PATH</c>, <c>--operation publish</c>.</summary>
    public IReadOnlyList<string> AspireArgs { get; init; } = [];

    /// <summary><c>--kubernetes-output DIR</c>: with <c>--publisher manifest</c>, also the cluster's YAML derived from the manifest.</summary>
    public string? KubernetesOutput { get; init; }

    /// <summary>Publishing the deployment manifest, not running anything.</summary>
    public bool Publishing => AspireArgs.Contains("--publisher") || AspireArgs.Contains("--operation");

    public string DataDirectory => Path.Combine(StateDirectory, "data");

    /// <summary>The documented fixed port, or with <c>--isolated</c> a free one.</summary>
    public int Port(int fixedPort) => Isolated ? LoopbackPorts.GetFreePort() : fixedPort;

    public string LogDirectory => Path.Combine(StateDirectory, "logs");

    /// <summary>Parses the command line; a wrong one ends the program with the usage and exit code 2.</summary>
    public static AppHostOptions ParseOrExit(string[] args)
    {
        try
        {
            return Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Environment.Exit(2);
            throw; // unreachable
        }
    }

    public static AppHostOptions Parse(string[] args)
    {
        var root = RepositoryPaths.FindRoot();
        string? state = null;
        var configuration = typeof(AppHostOptions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        bool reset = false, isolated = false, echo = true, demo = false;
        var perState = 2;
        int replicas = 1, brokerNodes = 1;
        var aspire = new List<string>();
        string? kubernetes = null;
        // "--state-dir=PATH" means "--state-dir PATH".
        args = args.SelectMany(a => a.StartsWith("--", StringComparison.Ordinal) && a.IndexOf('=') is > 2 and var at
            ? new[] { a[..at], a[(at + 1)..] }
            : [a]).ToArray();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--reset": reset = true; break;
                case "--isolated": isolated = true; break;
                case "--no-console-logs": echo = false; break;
                case "--demo": demo = true; break;
                case "--demo-pocs-per-state":
                    demo = true;
                    perState = int.TryParse(Value(args, ref i), out var n) && n is >= 2 and <= 200
                        ? n
                        : throw new ArgumentException($"--demo-pocs-per-state takes a number from 2 to 200.{System.Environment.NewLine}{Usage}");
                    break;
                case "--replicas":
                    replicas = int.TryParse(Value(args, ref i), out var r) && r is >= 1 and <= 8
                        ? r
                        : throw new ArgumentException($"--replicas takes a number from 1 to 8.{System.Environment.NewLine}{Usage}");
                    break;
                case "--broker-nodes":
                    brokerNodes = Value(args, ref i) switch
                    {
                        "1" => 1,
                        "3" => 3,
                        _ => throw new ArgumentException($"--broker-nodes takes 1 or 3 (a cluster needs a majority to survive a node).{System.Environment.NewLine}{Usage}"),
                    };
                    break;
                case "--state-dir": state = Value(args, ref i); break;
                case "--configuration" or "-c": configuration = KnownConfiguration(Value(args, ref i)); break;
                case "--kubernetes-output": kubernetes = Path.GetFullPath(Value(args, ref i)); break;
                case "--publisher" or "--output-path" or "--operation" or "--step":
                    aspire.Add(args[i]);
                    aspire.Add(Value(args, ref i));
                    break;
                case "--help" or "-h":
                    throw new ArgumentException(Usage);
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'.{System.Environment.NewLine}{Usage}");
            }
        }
        return new AppHostOptions
        {
            RepositoryRoot = root,
            // An isolated system must not share the developer's state folder (nor its lock): a new one.
            StateDirectory = Path.GetFullPath(state ?? (isolated
                ? Path.Combine(Path.GetTempPath(), $"pocdir-{Guid.NewGuid():N}"[..15])
                : Path.Combine(root, ".pocdir"))),
            Reset = reset,
            Isolated = isolated,
            Configuration = configuration,
            EchoToConsole = echo,
            Demo = demo,
            DemoPocsPerState = perState,
            Replicas = replicas,
            BrokerNodes = brokerNodes,
            AspireArgs = aspire,
            KubernetesOutput = kubernetes,
        };
    }

    public const string Usage =
        "Usage: PocDirectory.AppHost [--reset] [--isolated] [--state-dir PATH] [--configuration Debug|Release] [--no-console-logs] [--demo [--demo-pocs-per-state N]] [--replicas N] [--broker-nodes 1|3] [--publisher manifest --output-path PATH [--kubernetes-output DIR]]";

    /// <summary>Build output folders are named Debug and Release: accept any casing, refuse the rest.</summary>
    private static string KnownConfiguration(string value) =>
        new[] { "Debug", "Release" }.FirstOrDefault(c => c.Equals(value, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"--configuration must be Debug or Release, not '{value}'.{System.Environment.NewLine}{Usage}");

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.{System.Environment.NewLine}{Usage}");
}
