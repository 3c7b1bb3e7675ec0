using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PocDirectory.BuildingBlocks.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit over RabbitMQ (<c>ConnectionStrings__messaging</c>, an amqp:// URI) with the outbox
    /// dispatcher for <typeparamref name="TContext"/>. Queues are named <c>{service}-{consumer}</c> in
    /// kebab case, so two services never share a queue. Failed messages are retried with backoff and
    /// then moved to the queue's <c>_error</c> queue, never dropped. MassTransit registers its own bus
    /// readiness check and emits traces and metrics on its "MassTransit" source. Every body is sealed
    /// under <c>Messaging:Key</c> (<see cref="SealedJsonSerializer"/>).
    /// </summary>
    public static IHostApplicationBuilder AddMessaging<TContext>(
        this IHostApplicationBuilder builder,
        string serviceName,
        Action<IBusRegistrationConfigurator>? configureConsumers = null)
        where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(ResourceNames.Messaging)
            ?? throw new InvalidOperationException($"ConnectionStrings__{ResourceNames.Messaging} is not set.");
        var sealing = new SealedJsonSerializerFactory(SealedJsonSerializer.Key(builder.Configuration[SealedJsonSerializer.SettingName]));

        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<OutboxDispatcher<TContext>>();
        builder.AddTelemetrySource("MassTransit");

        // Read by MassTransit when its bus starts, and it would win over the option below: pinned off.
        Environment.SetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY", "false");
        builder.Services.AddMassTransit(bus =>
        {
            // MassTransit reports its usage to its vendor's host at each start unless told not to: nothing leaves the machine unasked.
            bus.ConfigureUsageTelemetryOptions(options => options.Enabled = false);
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, false));
            configureConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(connectionString));
                // Sealed bodies only, both ways: the broker never holds a message it could read, nor one it could forge.
                rabbit.ClearSerialization();
                rabbit.AddSerializer(sealing);
                rabbit.AddDeserializer(sealing, isDefault: true);
                rabbit.UseMessageRetry(retry => retry.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(400)));
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
