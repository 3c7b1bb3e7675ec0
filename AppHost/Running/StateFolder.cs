namespace PocDirectory.AppHost;

/// <summary>
/// The state folder (<c>.pocdir/</c> or <c>--state-dir</c>): one AppHost at a time (a lock that dies
/// with the process, however it ends), and <c>--reset</c>, which empties it before anything starts.
/// </summary>
public static class StateFolder
{
    public const string LockFileName = "apphost.lock";

    // Held for the life of the process: the lock is the open file.
    private static FileStream? s_lock;

    /// <summary>Takes the folder, or says who holds it and returns false.</summary>
    public static bool Take(AppHostOptions options)
    {
        Directory.CreateDirectory(options.StateDirectory);
        var path = Path.Combine(options.StateDirectory, LockFileName);
        try
        {
            s_lock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            Console.Error.WriteLine($"Another AppHost is using {options.StateDirectory}; stop it first or use --state-dir.");
            return false;
        }
        if (options.Reset)
        {
            Console.WriteLine($"[apphost] --reset: deleting the data and logs in {options.StateDirectory}");
            foreach (var entry in new DirectoryInfo(options.StateDirectory).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo directory)
                {
                    directory.Delete(recursive: true);
                }
                else if (entry.Name != LockFileName)
                {
                    entry.Delete();
                }
            }
        }
        Directory.CreateDirectory(options.LogDirectory);
        return BrokerShapeKept(options);
    }

    /// <summary>
    /// The broker's queues are classic on one node and quorum queues in a cluster, and RabbitMQ refuses to declare a queue
    /// again as the other kind: a state folder keeps the shape its broker was made with (<c>data/broker-nodes</c>) unless
    /// <c>--reset</c> starts it over.
    /// </summary>
    public static bool BrokerShapeKept(AppHostOptions options)
    {
        var marker = Path.Combine(options.DataDirectory, "broker-nodes");
        // Only a broker that has data has queues; a folder from before the marker with a broker's data had one node.
        var made = !Aspire.Hosting.ApplicationModel.RabbitMQServerResource.HasData(Path.Combine(options.DataDirectory, ResourceNames.Messaging)) ? null
            : File.Exists(marker) ? File.ReadAllText(marker).Trim() : "1";
        var asked = options.BrokerNodes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (made is not null && made != asked)
        {
            Console.Error.WriteLine($"The broker in {options.StateDirectory} was made with {made} node(s) and its queues with it; "
                + $"--broker-nodes {asked} needs a new one: add --reset (it deletes this folder's data) or use another --state-dir.");
            return false;
        }
        Directory.CreateDirectory(options.DataDirectory);
        File.WriteAllText(marker, asked);
        return true;
    }

    /// <summary>
    /// A secret shared by resources, made once at random and kept in the state folder
    /// (<c>secrets/NAME</c>, readable by the owner only), never in the repository.
    /// </summary>
    public static string Secret(AppHostOptions options, string name) => SecretFiles.GetOrCreate(SecretsDirectory(options), name);

    /// <summary><c>secrets/</c> in the state folder: the services' keys and every server user's password.</summary>
    public static string SecretsDirectory(AppHostOptions options) => Path.Combine(options.StateDirectory, "secrets");
}
