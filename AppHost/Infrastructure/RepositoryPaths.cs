namespace PocDirectory.AppHost;

public static class RepositoryPaths
{
    /// <summary>The nearest folder holding PocDirectory.sln, above the program or the current directory.</summary>
    public static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PocDirectory.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("PocDirectory.sln was not found above the program or the current directory.");
    }
}
