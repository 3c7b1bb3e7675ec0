namespace PocDirectory.AppHost.Hosting;

/// <summary>Anything the AppHost lists: a process it runs, or a database inside one.</summary>
public interface IResource
{
    string Name { get; }
    ResourceState State { get; }
    int? Pid { get; }
    string? Url { get; }
}
