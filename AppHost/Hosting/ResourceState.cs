namespace PocDirectory.AppHost.Hosting;

public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Restarting,
    Stopping,
    Stopped,
    Failed,
}
