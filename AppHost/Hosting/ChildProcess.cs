using System.Diagnostics;

namespace PocDirectory.AppHost.Hosting;

/// <summary>
/// A process started by a resource: output pumped line by line into the resource's log, a task that
/// completes on exit, signals and a whole-tree kill. Every resource kind uses this one class.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    public int Pid { get; private set; }

    /// <summary>Completes with the exit code. Driven by the Exited event, which (unlike WaitForExitAsync)
    /// does not wait for daemonized grandchildren that still hold the output pipes.</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public static ChildProcess Start(ProcessStartInfo startInfo, ResourceLog log)
    {
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.RedirectStandardInput = true; // no child reads the AppHost's terminal
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.Write(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.Write(e.Data); } };
        process.Exited += (_, _) =>
        {
            int code;
            try
            {
                code = process.ExitCode;
            }
            catch (InvalidOperationException)
            {
                code = -1;
            }
            child._exited.TrySetResult(code);
        };
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        }
        child.Pid = process.Id;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public void Signal(int signal)
    {
        if (!HasExited)
        {
            Posix.Signal(Pid, signal);
        }
    }

    public void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // a child vanished while the tree was walked
        }
    }

    /// <summary>Waits for exit; false when the timeout passed first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(Exited, Task.Delay(timeout));
        return finished == Exited;
    }

    public void Dispose() => _process.Dispose();
}
