using System.Runtime.CompilerServices;

namespace PocDirectory.AppHost;

public static class AppHostAssembly
{
    /// <summary>
    /// Runs <paramref name="create"/> from this assembly. Aspire.Hosting.Testing finds the orchestrator
    /// (DCP) in the metadata of the first assembly on the call stack that carries it: a test that builds
    /// an app of its own (only servers, say) creates its testing builder through here.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static T Run<T>(Func<T> create) => create();
}
