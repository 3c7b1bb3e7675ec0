namespace PocDirectory.AppHost;

/// <summary>Secrets kept as files, one per name, readable by the owner only, made once at random.</summary>
public static class SecretFiles
{
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The secret <paramref name="name"/> in <paramref name="directory"/>, made (32 random bytes, base64url) unless there.</summary>
    public static string GetOrCreate(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        // A link planted in the folder would make another's file (or a file another can write) the secret.
        if (new DirectoryInfo(directory).LinkTarget is not null || new FileInfo(path).LinkTarget is not null)
        {
            throw new InvalidOperationException($"{path} or its folder is a symbolic link: a secret must be a file of its own.");
        }
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= 32 } existing)
        {
            // Kept private even if the folder or file was made (or loosened) by other means.
            File.SetUnixFileMode(directory, PrivateFolder);
            File.SetUnixFileMode(path, PrivateFile);
            return existing;
        }
        var secret = NewSecret();
        Directory.CreateDirectory(directory, PrivateFolder);
        File.SetUnixFileMode(directory, PrivateFolder);
        var mode = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = PrivateFile };
        using (var writer = new StreamWriter(path, System.Text.Encoding.ASCII, mode))
        {
            writer.Write(secret);
        }
        File.SetUnixFileMode(path, PrivateFile);
        return secret;
    }

    /// <summary>32 random bytes in base64url: safe inside URIs, connection strings and configuration files.</summary>
    public static string NewSecret() =>
        System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>Writes <paramref name="contents"/> to a file only its owner can read (configuration holding password hashes).</summary>
    public static void WritePrivate(string path, string contents)
    {
        var mode = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = PrivateFile };
        using (var writer = new StreamWriter(path, new System.Text.UTF8Encoding(false), mode))
        {
            writer.Write(contents);
        }
        File.SetUnixFileMode(path, PrivateFile);
    }
}
