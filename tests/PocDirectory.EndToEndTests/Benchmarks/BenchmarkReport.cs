using Xunit.Abstractions;

namespace PocDirectory.EndToEndTests.Benchmarks;

/// <summary>What the benchmark classes share: the system's environment, a percentile, and the figures written to <c>TestResults/benchmarks/NAME.txt</c>.</summary>
public static class BenchmarkReport
{
    /// <summary>The system's environment for a benchmark: no rate limit stands between the load and what is measured.</summary>
    public static Dictionary<string, string> Unlimited() => new()
    {
        ["RateLimiting__PermitsPerMinute"] = "1000000000",
        ["RateLimiting__SignInPermitsPerMinute"] = "1000000000",
        ["RateLimiting__PublicFormPermitsPerMinute"] = "1000000000",
    };

    /// <summary>The nearest-rank percentile of values (any order).</summary>
    public static double Percentile(IEnumerable<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(sorted.Count * percentile / 100.0) - 1, 0, sorted.Count - 1)];
    }

    public static void Write(ITestOutputHelper output, string name, string what, params string[] lines)
    {
        var text = string.Join(Environment.NewLine,
            [$"{name} ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores): {what}", .. lines.Select(l => "  " + l)]);
        output.WriteLine(text);
        var directory = Path.Combine(RunningSystem.RepositoryRoot, "TestResults", "benchmarks");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name + ".txt"), text + Environment.NewLine);
    }
}
