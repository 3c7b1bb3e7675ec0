using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PocDirectory.BuildingBlocks.Messaging;
using PocDirectory.Contracts.MemberStates;

namespace PocDirectory.BuildingBlocks.ReferenceData;

/// <summary>
/// Events published before this service's queue existed never reached it. So once the bus is up (its
/// queues are bound), a service whose copy is incomplete (fewer than the
/// <see cref="MemberStateCopyExtensions.MemberStateCount"/> Member States: empty, or bound while the
/// Directory was publishing its list, so only the rest arrived) asks the Directory for every State,
/// through the outbox so the request survives a broker outage. A request can still come to nothing
/// (no Directory had ever declared its queue yet, or its handling faulted): while the copy stays
/// incomplete the service asks again every <c>ReferenceData:RecheckInterval</c> (one minute by default).
/// </summary>
public sealed partial class MemberStateCopyBootstrapper<TContext>(
    IServiceScopeFactory scopes,
    IBusControl bus,
    IHostEnvironment environment,
    IConfiguration configuration,
    ILogger<MemberStateCopyBootstrapper<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    private readonly TaskCompletionSource<bool> _checked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan _recheck = configuration.GetValue("ReferenceData:RecheckInterval", TimeSpan.FromMinutes(1));

    /// <summary>Completes once the copy was first checked; true when a request was stored.</summary>
    public Task<bool> Checked => _checked.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await bus.WaitForHealthStatus(BusHealthStatus.Healthy, stoppingToken);
                var outcome = await RequestCopyIfIncompleteAsync(stoppingToken);
                _checked.TrySetResult(outcome == Outcome.Requested);
                if (outcome == Outcome.HasCopy)
                {
                    return;
                }
                await Task.Delay(_recheck, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    private enum Outcome { HasCopy, RequestPending, Requested }

    private async Task<Outcome> RequestCopyIfIncompleteAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var held = await db.Set<MemberStateCopy>().CountAsync(cancellationToken);
        if (held >= MemberStateCopyExtensions.MemberStateCount)
        {
            return Outcome.HasCopy;
        }
        var requestType = OutboxMessage.TypeName(typeof(MemberStateCopyRequested));
        var pending = await db.Set<OutboxMessage>()
            .AnyAsync(m => m.MessageType == requestType && m.SentAt == null && m.FailedAt == null, cancellationToken);
        if (pending)
        {
            return Outcome.RequestPending; // still waiting for the broker: one request at a time
        }
        db.AddIntegrationEvent(new MemberStateCopyRequested { RequestedBy = environment.ApplicationName });
        await db.SaveChangesAsync(cancellationToken);
        LogRequested(held);
        return Outcome.Requested;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Copy of the Member States holds {Held} of them; asked the Directory for every one")]
    private partial void LogRequested(int held);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check the copy of the Member States; retrying")]
    private partial void LogFailed(Exception ex);
}
