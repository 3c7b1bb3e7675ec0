using System.Runtime.InteropServices;

namespace PocDirectory.AppHost.Hosting;

/// <summary>The few POSIX calls .NET does not offer: sending a chosen signal, asking whether a pid lives.</summary>
public static class Posix
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    public static bool Signal(int pid, int signal) => kill(pid, signal) == 0;

    public static bool IsAlive(int pid) => pid > 0 && kill(pid, 0) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
