using System.Diagnostics;
using PocDirectory.AppHost;

namespace PocDirectory.UnitTests;

/// <summary>run.sh reads the configuration it builds from the same options the AppHost takes.</summary>
public sealed class RunScriptTests
{
    [Theory]
    [InlineData("--configuration", "Bogus")]
    [InlineData("-c", "Bogus")]
    [InlineData("--configuration=Bogus")]
    public async Task An_unknown_configuration_is_refused_before_anything_is_built(params string[] options)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.FindRoot(), "run.sh"));
        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }
        using var run = Process.Start(start)!;
        var error = await run.StandardError.ReadToEndAsync();
        var output = await run.StandardOutput.ReadToEndAsync();
        await run.WaitForExitAsync();

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--configuration must be Debug or Release, not 'Bogus'", error);
        Assert.DoesNotContain("Build", output);
    }
}
