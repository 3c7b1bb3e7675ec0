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
    /// under <c>Messaging:Key</c> (<see cref="SealedJsonSerializer"/>). Against a cluster, every node is named and the
    /// queues are quorum queues.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging<TContext>(
        this IHostApplicationBuilder builder,
        string serviceName,
        Action<IBusRegistrationConfigurator>? configureConsumers = null)
        where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(ResourceNames.Messaging)
            ?? throw new InvalidOperationException($"ConnectionStrings__{ResourceNames.Messaging} is not set.");
        // Messaging:ClusterNodes ("host:port,host:port,…") and Messaging:QuorumQueues: set for a RabbitMQ cluster.
        var clusterNodes = (builder.Configuration["Messaging:ClusterNodes"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var quorum = builder.Configuration.GetValue<bool>("Messaging:QuorumQueues");
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
            if (quorum)
            {
                // Every queue a consumer reads, and its _error and _skipped queues, replicated on the cluster's nodes (Raft):
                // a node lost loses no message. The bus's own temporary queue stays classic (it dies with the process anyway).
                bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
                {
                    if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbitEndpoint)
                    {
                        rabbitEndpoint.SetQuorumQueue();
                    }
                });
            }
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(connectionString), host =>
                {
                    // A cluster: any node that answers, in turn (the user and password stay the connection string's).
                    if (clusterNodes.Length > 0)
                    {
                        host.UseCluster(cluster =>
                        {
                            foreach (var node in clusterNodes)
                            {
                                cluster.Node(node);
                            }
                        });
                    }
                });
                if (quorum)
                {
                    rabbit.SendTopology.ConfigureErrorSettings = settings => settings.SetQuorumQueue();
                    rabbit.SendTopology.ConfigureDeadLetterSettings = settings => settings.SetQuorumQueue();
                }
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
