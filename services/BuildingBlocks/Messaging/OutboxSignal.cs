namespace PocDirectory.BuildingBlocks.Messaging;

/// <summary>
/// Wakes the dispatcher as soon as outbox rows may have been committed, so events leave within
/// milliseconds instead of waiting for the next poll. Many notifications collapse into one wake-up.
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Notify()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the dispatcher will look once more anyway.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _wake.WaitAsync(timeout, cancellationToken);
}
