using Aspire.Hosting.Publishing;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>What every server recipe does the same way: its endpoint, its protocol probe, its folder.</summary>
internal static class ServerBuilderExtensions
{
    /// <summary>
    /// Adds the server with its loopback endpoint, a health check that speaks the server's protocol
    /// (a listening socket is not yet a working server), and <paramref name="prepare"/> run before
    /// every start (folders, configuration files, first-time initialisation).
    /// </summary>
    public static IResourceBuilder<T> AddServer<T>(this IDistributedApplicationBuilder builder, T server, string scheme,
        Func<T, CancellationToken, Task<bool>> probe, Func<T, CancellationToken, Task>? prepare = null)
        where T : ServerResource
    {
        var healthCheck = $"{server.Name}_protocol";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, async cancellationToken =>
        {
            try
            {
                return await probe(server, cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("not answering yet");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        });
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (_, cancellationToken) =>
        {
            Directory.CreateDirectory(server.DataDirectory);
            if (prepare is not null)
            {
                await prepare(server, cancellationToken);
            }
        });
        // Aspire passes a parent's state on to its children only for containers: the databases and users get the server's here.
        builder.Eventing.Subscribe<BeforeStartEvent>((e, cancellationToken) =>
        {
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            var stopping = e.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping;
            var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            // The children are listed here, not in the loop: the model's list is not safe to read while another
            // handler of this event still adds to it (the dashboard inserts its resource), and a loop that died
            // on that would leave the databases NotStarted and every service waiting for them.
            var children = e.Model.Resources.OfType<IResourceWithParent>().Where(c => c.Parent == server).ToList();
            _ = Task.Run(() => PassStateToChildrenAsync(server, children, notifications, logger, stopping), CancellationToken.None);
            return Task.CompletedTask;
        });
        return builder.AddResource(server)
            // In a deployment the server is a managed one (or an operator's): its connection string is
            // a secret parameter of the manifest, under the same name the services read.
            .WithManifestPublishingCallback(context => WriteSecretConnectionString(context, server.Name))
            .WithEndpoint(port: server.Port, targetPort: server.Port, scheme: scheme, name: ServerResource.PrimaryEndpointName, isProxied: false)
            .WithEndpoint(ServerResource.PrimaryEndpointName, e => e.TargetHost = "127.0.0.1")
            .WithHealthCheck(healthCheck);
    }

    /// <summary>Publishes a resource as a secret connection string that the operator gives (a managed server's, a user's of it).</summary>
    public static void WriteSecretConnectionString(ManifestPublishingContext context, string name)
    {
        context.Writer.WriteString("type", "parameter.v0");
        context.Writer.WriteString("connectionString", $"{{{name}.value}}");
        context.Writer.WriteString("value", $"{{{name}.inputs.value}}");
        context.Writer.WriteStartObject("inputs");
        context.Writer.WriteStartObject("value");
        context.Writer.WriteString("type", "string");
        context.Writer.WriteBoolean("secret", true);
        context.Writer.WriteEndObject();
        context.Writer.WriteEndObject();
    }

    private static async Task PassStateToChildrenAsync(ServerResource server, IReadOnlyList<IResourceWithParent> children,
        ResourceNotificationService notifications, ILogger logger, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var resourceEvent in notifications.WatchAsync(stoppingToken))
            {
                if (resourceEvent.Resource != server)
                {
                    continue;
                }
                var snapshot = resourceEvent.Snapshot;
                foreach (var child in children)
                {
                    await notifications.PublishUpdateAsync(child, s => s with
                    {
                        State = snapshot.State,
                        StartTimeStamp = snapshot.StartTimeStamp,
                        StopTimeStamp = snapshot.StopTimeStamp,
                    });
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogCritical(ex, "The state of {Server} is no longer passed on to its databases and users", server.Name);
            await Console.Error.WriteLineAsync($"The state of {server.Name} is no longer passed on to its databases and users: {ex}");
            throw;
        }
    }

    /// <summary>A program of Debian's packages, found on PATH (and in the sbin folders a root shell has).</summary>
    public static string Which(string program)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/local/sbin:/usr/sbin:/sbin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists)
            ?? program; // resolved again at start; a missing program is then named in the resource's state
    }
}
