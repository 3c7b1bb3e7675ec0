using System.Diagnostics;

namespace PocDirectory.AppHost.Hosting;

/// <summary>
/// A process started by a resource: output pumped line by line into the resource's log, a task that
/// completes on exit, signals and a whole-tree kill. Every resource kind uses this one class.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private const string SetSid = "/usr/bin/setsid";

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process) => _process = process;

    public int Pid { get; private set; }

    /// <summary>Completes with the exit code. Driven by the Exited event, which (unlike WaitForExitAsync)
    /// does not wait for daemonized grandchildren that still hold the output pipes.</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>
    /// Starts the program in a session of its own (through <c>setsid</c>, which execs: the pid is the
    /// program's). Ctrl+C in a terminal signals the whole foreground process group; only the AppHost
    /// must receive it, so that it can stop the resources in order instead of all at once.
    /// </summary>
    public static ChildProcess Start(ProcessStartInfo startInfo, ResourceLog log)
    {
        var detached = File.Exists(SetSid) ? WithSetSid(startInfo) : startInfo;
        detached.UseShellExecute = false;
        detached.RedirectStandardOutput = true;
        detached.RedirectStandardError = true;
        detached.RedirectStandardInput = true; // no child reads the AppHost's terminal
        var process = new Process { StartInfo = detached, EnableRaisingEvents = true };
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
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {startInfo.FileName}: {ex.Message}", ex);
        }
        child.Pid = process.Id;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Runs a helper program (initdb, chown, epmd) to its end, its output into <paramref name="log"/>.
    /// Cancellation kills it: nothing is left running behind an abandoned start.
    /// </summary>
    public static async Task<int> RunAsync(string program, IEnumerable<string> args, ResourceLog log,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Start(start, log);
        try
        {
            return await process.Exited.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.KillTree();
            await process.WaitForExitAsync(TimeSpan.FromSeconds(5));
            throw;
        }
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
        if (HasExited)
        {
            return;
        }
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

    private static ProcessStartInfo WithSetSid(ProcessStartInfo startInfo)
    {
        var wrapped = new ProcessStartInfo(SetSid) { WorkingDirectory = startInfo.WorkingDirectory };
        wrapped.ArgumentList.Add(startInfo.FileName);
        foreach (var arg in startInfo.ArgumentList)
        {
            wrapped.ArgumentList.Add(arg);
        }
        wrapped.Environment.Clear(); // exactly the environment asked for, removals included
        foreach (var (key, value) in startInfo.Environment)
        {
            wrapped.Environment[key] = value;
        }
        return wrapped;
    }
}
