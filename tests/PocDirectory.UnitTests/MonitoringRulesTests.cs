using PocDirectory.AppHost;

namespace PocDirectory.UnitTests;

/// <summary>
/// The operations team's alert rules (deploy/monitoring/alert-rules.yml), checked by Prometheus' own tool: the file is
/// valid, each alert fires on the series that should fire it and stays silent on the others (alert-rules.test.yml), a
/// changed expectation fails, and every alert has its runbook section in docs/runbook.md.
/// </summary>
public sealed class MonitoringRulesTests
{
    private static readonly string Root = RepositoryPaths.FindRoot();

    private static readonly string Monitoring = Path.Combine(Root, "deploy", "monitoring");

    private static Task<(int Code, string Output)> PromtoolAsync(string workingDirectory, params string[] arguments) =>
        MonitoringTools.RunAsync("promtool", workingDirectory, arguments);

    [Fact]
    public async Task The_rules_are_valid_Prometheus_rules()
    {
        var (code, output) = await PromtoolAsync(Monitoring, "check", "rules", "alert-rules.yml");
        Assert.True(code == 0, output);
        Assert.Contains($"SUCCESS: {Alerts().Count} rules found", output);
    }

    [Fact]
    public async Task Each_alert_fires_on_what_it_should_and_not_on_the_rest()
    {
        var (code, output) = await PromtoolAsync(Monitoring, "test", "rules", "alert-rules.test.yml");
        Assert.True(code == 0, output);
        // Every alert is tested, not just some.
        var tests = await File.ReadAllTextAsync(Path.Combine(Monitoring, "alert-rules.test.yml"));
        Assert.All(Alerts(), alert => Assert.Contains($"alertname: {alert}", tests));
    }

    [Fact]
    public async Task A_changed_expectation_fails_the_rules_tests()
    {
        var folder = System.IO.Directory.CreateTempSubdirectory("alert-rules-");
        try
        {
            File.Copy(Path.Combine(Monitoring, "alert-rules.yml"), Path.Combine(folder.FullName, "alert-rules.yml"));
            var tests = await File.ReadAllTextAsync(Path.Combine(Monitoring, "alert-rules.test.yml"));
            const string expected = "meetings (127.0.0.1:5005) has not answered a scrape for a minute";
            Assert.Contains(expected, tests);
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "alert-rules.test.yml"), tests.Replace(expected, "meetings answered", StringComparison.Ordinal));
            var (code, output) = await PromtoolAsync(folder.FullName, "test", "rules", "alert-rules.test.yml");
            Assert.NotEqual(0, code);
            Assert.Contains("FAILED", output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Every_alert_has_a_runbook_section_and_names_it()
    {
        var runbook = await File.ReadAllTextAsync(Path.Combine(Root, "docs", "runbook.md"));
        var rules = await File.ReadAllTextAsync(Path.Combine(Monitoring, "alert-rules.yml"));
        foreach (var alert in Alerts())
        {
            Assert.Contains($"\n## {alert}\n", runbook);
            Assert.Contains($"runbook: docs/runbook.md#{alert.ToLowerInvariant()}", rules);
        }
        foreach (var part in new[] { "**What it means.**", "**What to check.**", "**How to fix it.**" })
        {
            Assert.Equal(Alerts().Count, runbook.Split(part).Length - 1);
        }
    }

    /// <summary>The alerts the rules file defines, read as YAML.</summary>
    private static List<string> Alerts()
    {
        var document = new YamlDotNet.Serialization.DeserializerBuilder().Build()
            .Deserialize<Dictionary<string, List<Dictionary<string, object>>>>(File.ReadAllText(Path.Combine(Monitoring, "alert-rules.yml")));
        return document["groups"].SelectMany(g => (List<object>)g["rules"]).Cast<Dictionary<object, object>>()
            .Select(r => (string)r["alert"]).ToList();
    }
}

/// <summary>The monitoring's own programs from Debian's packages (promtool, amtool), as a test runs them.</summary>
internal static class MonitoringTools
{
    public static async Task<(int Code, string Output)> RunAsync(string program, string workingDirectory, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{program} is missing: scripts/prerequisites.sh installs Debian's prometheus and prometheus-alertmanager packages.", ex);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
