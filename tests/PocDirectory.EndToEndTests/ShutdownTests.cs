using PocDirectory.AppHost;

namespace PocDirectory.EndToEndTests;

/// <summary>A system of its own: this test ends it.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Ctrl_C_stops_everything_and_leaves_no_process_or_port_behind()
    {
        await using var system = await RunningSystem.StartAsync(TimeSpan.FromMinutes(4));
        var resources = system.Resources();
        var pids = resources.Where(r => r.Pid is not null).Select(r => r.Pid!.Value).Distinct().ToList();
        var ports = resources.Select(r => r.Url).OfType<string>().Select(u => new Uri(u).Port).Where(p => p > 0).Distinct().ToList();
        Assert.True(pids.Count >= 11, $"expected a pid for every server and service, got {pids.Count}");
        Assert.All(pids, pid => Assert.True(Posix.IsAlive(pid)));

        var exitCode = await system.InterruptAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(0, exitCode);
        Assert.All(pids, pid => Assert.False(Posix.IsAlive(pid), $"process {pid} is still alive"));
        Assert.All(ports, port => Assert.True(LoopbackPorts.IsFree(port), $"port {port} is still in use"));
        Assert.All(system.Resources(), r => Assert.Equal("Stopped", r.State));
    }
}
