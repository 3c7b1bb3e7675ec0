using MassTransit;
using PocDirectory.Contracts.Identity;
using StackExchange.Redis;

namespace PocDirectory.Identity.IntegrationEvents;

/// <summary>
/// Puts a revocation, committed with the act through the outbox, on the list every service reads.
/// Writing it twice changes nothing, so no inbox is needed; while Redis is away the message is
/// retried, then parked in the error queue for an operator, never dropped.
/// </summary>
public sealed class PrincipalRevokedConsumer(IConnectionMultiplexer redis, TimeProvider clock) : IConsumer<PrincipalRevoked>
{
    public Task Consume(ConsumeContext<PrincipalRevoked> context) =>
        RevocationList.AddAsync(redis.GetDatabase(), context.Message.Subject, context.Message.RevokedAt, clock.GetUtcNow());
}
