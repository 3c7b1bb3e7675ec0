namespace PocDirectory.AppHost;

/// <summary>
/// A loop over Aspire's resource notifications, started on Aspire's <c>BeforeStartEvent</c> rather
/// than as a hosted service: the host starts hosted services one after another, and Aspire's own
/// does not return before the resources have started, which is when these must already watch.
/// </summary>
public abstract class ResourceWatcher
{
    public void Start(CancellationToken stoppingToken) => _ = Task.Run(async () =>
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A loop that dies unseen leaves the system half-started with no word why: it is said where the operator looks.
            await Console.Error.WriteLineAsync($"{GetType().Name} stopped: {ex}");
            throw;
        }
    }, CancellationToken.None);

    protected abstract Task RunAsync(CancellationToken stoppingToken);
}
